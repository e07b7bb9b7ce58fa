import {
  assertNumber,
  assertOneOf,
  type Params,
  type Serialized,
  ValueRangeError,
} from '@trainkit/core';
import { choleskySolve } from '@trainkit/linalg';
import { flatObjective, type LossClosure } from './flat-objective';
import { hessian } from './hessian';
import type { HessianFn } from './softmax-regression-hessian';
import { axpy, dot, maxAbs } from './vec';

export interface NewtonOptions {
  /** Levenberg damping `lambda` added to the Hessian's diagonal, >= 0. Default 0. */
  damping?: number;
  /** `'backtracking'` (Armijo, halving) or `'none'` (full steps). Default `'backtracking'`. */
  lineSearch?: 'backtracking' | 'none';
  /** Iterations per `minimize` call. Default 20. */
  maxIter?: number;
  /**
   * Stop when the largest absolute gradient entry is <= this (or when backtracking finds no
   * decrease of the loss). Default 1e-6.
   */
  tolerance?: number;
  /** Stop when the Newton decrement `-g.d / 2` (predicted decrease) is <= this. Default 1e-8 (about the resolution of a float32 loss near 1). */
  toleranceChange?: number;
  /** Largest parameter count for the exact Hessian. Default 2000. */
  maxParams?: number;
  /**
   * An exact Hessian of your own (flat parameters in, row-major n x n out), for losses tfjs cannot
   * differentiate twice, e.g. {@link softmaxRegressionHessian}. Default: second-order autodiff.
   */
  hessian?: HessianFn;
}

export interface NewtonResult {
  loss: number;
  iterations: number;
  /** Largest absolute gradient entry at the end. */
  gradMax: number;
}

/** Newton's method on a closure; see {@link newton}. */
export interface Newton {
  minimize(closure: LossClosure, params: Params): Promise<NewtonResult>;
  toJSON(): Serialized;
}

/**
 * Exact (damped) Newton's method `x <- x - t (H + lambda I)^-1 g` with the Hessian from
 * second-order gradients ({@link hessian}) and the system solved by Cholesky in float64. If the
 * damped Hessian is not positive definite, lambda is raised (x10 from 1e-6 times the largest
 * diagonal entry) until it is. Backtracking halves `t` until Armijo's condition
 * `f(x + t d) <= f(x) + 1e-4 t g.d` holds (Nocedal & Wright, Alg. 3.1). For small problems
 * (a linear or logistic classifier on features); more than `maxParams` parameters is a
 * ValueRangeError.
 * @example await newton({ damping: 1e-4 }).minimize((p) => logisticLoss(p), params);
 */
export function newton(options: NewtonOptions = {}): Newton {
  const damping = assertNumber('damping', options.damping ?? 0, { min: 0 });
  const lineSearch = assertOneOf('lineSearch', options.lineSearch ?? 'backtracking', [
    'backtracking',
    'none',
  ] as const);
  const maxIter = assertNumber('maxIter', options.maxIter ?? 20, { min: 1, integer: true });
  const tolerance = assertNumber('tolerance', options.tolerance ?? 1e-6, { min: 0 });
  const toleranceChange = assertNumber('toleranceChange', options.toleranceChange ?? 1e-8, {
    min: 0,
  });
  const maxParams = assertNumber('maxParams', options.maxParams ?? 2000, { min: 1, integer: true });

  const solve = (H: Float64Array, g: Float64Array): Float64Array => {
    const minusG = g.map((v) => -v);
    let lambda = damping;
    let scaleDiag = 0;
    for (let i = 0; i < g.length; i++)
      scaleDiag = Math.max(scaleDiag, Math.abs(H[i * g.length + i] as number));
    for (let attempt = 0; attempt < 30; attempt++) {
      try {
        return choleskySolve(H, minusG, lambda);
      } catch (e) {
        if (!(e instanceof ValueRangeError)) throw e;
        lambda = lambda === 0 ? 1e-6 * Math.max(scaleDiag, 1) : lambda * 10;
      }
    }
    throw new ValueRangeError('could not make the Hessian positive definite', {
      argument: 'damping',
      expected: 'a loss with a usable Hessian',
      received: lambda,
    });
  };

  return {
    async minimize(closure, params) {
      const obj = flatObjective(closure, params);
      if (obj.size > maxParams) {
        throw new ValueRangeError('too many parameters for an exact Hessian', {
          argument: 'params',
          expected: `at most ${maxParams} parameters (use lbfgs for larger problems)`,
          received: obj.size,
        });
      }
      let x = await obj.read();
      let { loss, grad } = await obj.valueAndGrad(x);
      let iterations = 0;
      while (iterations < maxIter && maxAbs(grad) > tolerance) {
        iterations++;
        const H = options.hessian
          ? await options.hessian(x)
          : await hessian(closure, params, x, { maxParams });
        const d = solve(H, grad);
        const gtd = dot(grad, d);
        // Newton decrement lambda^2 / 2 = -g.d / 2 estimates f(x) - f* (Boyd & Vandenberghe, Alg. 9.5).
        if (-gtd / 2 <= toleranceChange) break;
        let t = 1;
        let next = await obj.valueAndGrad(axpy(x, t, d));
        if (lineSearch === 'backtracking') {
          for (let k = 0; k < 30 && next.loss > loss + 1e-4 * t * gtd; k++) {
            t /= 2;
            next = await obj.valueAndGrad(axpy(x, t, d));
          }
          // No decrease the float32 loss can resolve: converged as far as it can tell.
          if (next.loss > loss + 1e-4 * t * gtd) break;
        }
        x = axpy(x, t, d);
        ({ loss, grad } = next);
      }
      obj.write(x);
      return { loss, iterations, gradMax: maxAbs(grad) };
    },
    toJSON: () => ({
      kind: 'optimizers.newton',
      version: 1,
      damping,
      lineSearch,
      maxIter,
      tolerance,
      toleranceChange,
      maxParams,
    }),
  };
}
