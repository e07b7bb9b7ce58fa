import { assertNumber, assertOneOf, type Params, type Serialized } from '@trainkit/core';
import { flatObjective, type LossClosure } from './flat-objective';
import { strongWolfe } from './strong-wolfe';
import { axpy, dot, maxAbs, scale, sumAbs } from './vec';

export interface LbfgsOptions {
  /** Step length (fixed step without line search; first trial step with it). Default 1. */
  learningRate?: number;
  /** Iterations per `step` call (integer >= 1). Default 20. */
  maxIter?: number;
  /** Loss evaluations per `step` call. Default `maxIter * 5 / 4` (floored). */
  maxEval?: number;
  /** Stop when the largest absolute gradient entry is <= this. Default 1e-7. */
  tolerance?: number;
  /** Stop when the loss or the step changes less than this. Default 1e-9. */
  toleranceChange?: number;
  /** Curvature pairs kept (integer >= 1). Default 100. */
  historySize?: number;
  /** `'strong-wolfe'` line search or `'none'` (fixed step). Default `'none'` (as PyTorch). */
  lineSearch?: 'strong-wolfe' | 'none';
}

export interface LbfgsStepResult {
  /** The loss at the start of the call (what PyTorch's `step` returns). */
  initialLoss: number;
  /** The last loss evaluated. */
  loss: number;
  /** Loss evaluations in this call. */
  evals: number;
  /** Iterations in this call. */
  iterations: number;
}

/** A limited-memory BFGS minimiser of a closure; state (curvature pairs) persists across `step` calls. */
export interface Lbfgs {
  /** Runs up to `maxIter` iterations on `params` (Variables, updated in place); see {@link lbfgs}. */
  step(closure: LossClosure, params: Params): Promise<LbfgsStepResult>;
  /** Forgets the curvature history. */
  reset(): void;
  toJSON(): Serialized;
}

/**
 * L-BFGS as PyTorch `torch.optim.LBFGS` (same iteration, same stopping rules, same strong-Wolfe
 * search), with the two-loop recursion in float64 JS; the closure runs on the tfjs backend.
 * Nocedal 1980; Nocedal & Wright 2006, Alg. 7.4.
 * @example
 * const opt = lbfgs({ lineSearch: 'strong-wolfe' });
 * for (let i = 0; i < 10; i++) await opt.step((p) => tf.tidy(() => loss(p)), params);
 */
export function lbfgs(options: LbfgsOptions = {}): Lbfgs {
  const lr = assertNumber('learningRate', options.learningRate ?? 1, {
    min: 0,
    exclusiveMin: true,
  });
  const maxIter = assertNumber('maxIter', options.maxIter ?? 20, { min: 1, integer: true });
  const maxEval = assertNumber('maxEval', options.maxEval ?? Math.floor((maxIter * 5) / 4), {
    min: 1,
    integer: true,
  });
  const toleranceGrad = assertNumber('tolerance', options.tolerance ?? 1e-7, { min: 0 });
  const toleranceChange = assertNumber('toleranceChange', options.toleranceChange ?? 1e-9, {
    min: 0,
  });
  const historySize = assertNumber('historySize', options.historySize ?? 100, {
    min: 1,
    integer: true,
  });
  const lineSearch = assertOneOf('lineSearch', options.lineSearch ?? 'none', [
    'strong-wolfe',
    'none',
  ] as const);

  let nIterTotal = 0;
  let d: Float64Array | undefined;
  let t = lr;
  let oldDirs: Float64Array[] = [];
  let oldStps: Float64Array[] = [];
  let ro: number[] = [];
  let hDiag = 1;
  let prevFlatGrad: Float64Array | undefined;

  return {
    reset() {
      nIterTotal = 0;
      d = undefined;
      oldDirs = [];
      oldStps = [];
      ro = [];
      hDiag = 1;
      prevFlatGrad = undefined;
    },
    async step(closure, params) {
      const obj = flatObjective(closure, params);
      let x = await obj.read();
      let { loss, grad: flatGrad } = await obj.valueAndGrad(x);
      const initialLoss = loss;
      let currentEvals = 1;
      let nIter = 0;
      if (maxAbs(flatGrad) <= toleranceGrad) {
        return { initialLoss, loss, evals: currentEvals, iterations: 0 };
      }
      while (nIter < maxIter) {
        nIter++;
        nIterTotal++;
        if (nIterTotal === 1 || !d || !prevFlatGrad) {
          d = scale(flatGrad, -1);
          oldDirs = [];
          oldStps = [];
          ro = [];
          hDiag = 1;
        } else {
          const y = axpy(flatGrad, -1, prevFlatGrad);
          const s = scale(d, t);
          const ys = dot(y, s);
          if (ys > 1e-10) {
            if (oldDirs.length === historySize) {
              oldDirs.shift();
              oldStps.shift();
              ro.shift();
            }
            oldDirs.push(y);
            oldStps.push(s);
            ro.push(1 / ys);
            hDiag = ys / dot(y, y);
          }
          // Two-loop recursion (Nocedal & Wright Alg. 7.4).
          const al: number[] = new Array(oldDirs.length).fill(0);
          const q = scale(flatGrad, -1);
          for (let i = oldDirs.length - 1; i >= 0; i--) {
            al[i] = dot(oldStps[i]!, q) * ro[i]!;
            for (let j = 0; j < q.length; j++) q[j]! -= al[i]! * oldDirs[i]![j]!;
          }
          const r = scale(q, hDiag);
          for (let i = 0; i < oldDirs.length; i++) {
            const be = dot(oldDirs[i]!, r) * ro[i]!;
            for (let j = 0; j < r.length; j++) r[j]! += (al[i]! - be) * oldStps[i]![j]!;
          }
          d = r;
        }
        prevFlatGrad = flatGrad;
        const prevLoss = loss;
        t = nIterTotal === 1 ? Math.min(1, 1 / sumAbs(flatGrad)) * lr : lr;
        const gtd = dot(flatGrad, d);
        if (gtd > -toleranceChange) break;
        let lsEvals = 0;
        let optCond = false;
        if (lineSearch === 'strong-wolfe') {
          const dir = d;
          const r = await strongWolfe(
            (s) => obj.valueAndGrad(axpy(x, s, dir)),
            t,
            d,
            loss,
            flatGrad,
            gtd,
          );
          ({ loss, grad: flatGrad, t } = r);
          lsEvals = r.evals;
          x = axpy(x, t, d);
          optCond = maxAbs(flatGrad) <= toleranceGrad;
        } else {
          x = axpy(x, t, d);
          if (nIter !== maxIter) {
            ({ loss, grad: flatGrad } = await obj.valueAndGrad(x));
            optCond = maxAbs(flatGrad) <= toleranceGrad;
            lsEvals = 1;
          }
        }
        currentEvals += lsEvals;
        if (nIter === maxIter || currentEvals >= maxEval || optCond) break;
        if (maxAbs(d) * Math.abs(t) <= toleranceChange) break;
        if (Math.abs(loss - prevLoss) < toleranceChange) break;
      }
      obj.write(x);
      return { initialLoss, loss, evals: currentEvals, iterations: nIter };
    },
    toJSON: () => ({
      kind: 'optimizers.lbfgs',
      version: 1,
      learningRate: lr,
      maxIter,
      maxEval,
      tolerance: toleranceGrad,
      toleranceChange,
      historySize,
      lineSearch,
    }),
  };
}
