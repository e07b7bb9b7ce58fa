import { assertNumber, ShapeError } from '@trainkit/core';

/** An exact Hessian supplier for {@link newton}: the flat parameters in, a row-major n x n matrix out. */
export type HessianFn = (x: Float64Array) => Float64Array | Promise<Float64Array>;

/**
 * The exact Hessian of softmax regression — mean cross-entropy of `softmax(x W + b)` plus
 * `l2 / 2 * |W|^2` — for parameters `{ W: [d, C], b: [C] }` flattened in that order (W row-major,
 * then b), as `newton` flattens `params`. tfjs cannot differentiate softmax twice, so this closed
 * form fills in: with x~ = [x; 1] and p the class probabilities,
 * `H[(j,c),(k,c')] = 1/N sum_i x~_ij x~_ik (p_ic [c = c'] - p_ic p_ic')` (+ l2 on W's diagonal)
 * (Bishop 2006, eq. 4.110). Computed in float64 from the features kept on the host.
 * Adding one constant to every class's bias changes nothing, so this Hessian is singular along
 * that direction: give `newton` a small `damping` (1e-6 is enough) so the step stays finite.
 * @example
 * await newton({ damping: 1e-6, hessian: softmaxRegressionHessian(X, { numClasses: 10, l2: 1e-3 }) })
 *   .minimize((p) => softmaxLoss(p), { W, b });
 */
export function softmaxRegressionHessian(
  features: readonly (readonly number[])[],
  options: { numClasses: number; l2?: number },
): HessianFn {
  const C = assertNumber('numClasses', options?.numClasses, { min: 2, integer: true });
  const l2 = assertNumber('l2', options.l2 ?? 0, { min: 0 });
  const N = features.length;
  const d = features[0]?.length ?? 0;
  if (N === 0 || d === 0 || features.some((r) => r.length !== d)) {
    throw new ShapeError('features must be a non-empty N x d matrix', {
      argument: 'features',
      expected: 'rows of equal, non-zero length',
      receivedText: `${N} rows`,
    });
  }
  const D = d + 1; // features plus the bias input 1
  const n = D * C;
  return (x: Float64Array) => {
    if (x.length !== n) {
      throw new ShapeError('parameter vector does not match { W: [d, C], b: [C] }', {
        argument: 'x',
        expected: `${n} values (d = ${d}, C = ${C})`,
        receivedText: `${x.length} values`,
      });
    }
    const H = new Float64Array(n * n);
    const xt = new Float64Array(D);
    const p = new Float64Array(C);
    for (const row of features) {
      for (let j = 0; j < d; j++) xt[j] = row[j]!;
      xt[d] = 1;
      // p = softmax(x~ [W; b]), stably
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < C; c++) {
        let z = 0;
        for (let j = 0; j < D; j++) z += xt[j]! * x[j * C + c]!;
        p[c] = z;
        if (z > max) max = z;
      }
      let s = 0;
      for (let c = 0; c < C; c++) {
        p[c] = Math.exp(p[c]! - max);
        s += p[c]!;
      }
      for (let c = 0; c < C; c++) p[c]! /= s;
      for (let j = 0; j < D; j++) {
        for (let k = 0; k < D; k++) {
          const xx = (xt[j]! * xt[k]!) / N;
          if (xx === 0) continue;
          for (let c = 0; c < C; c++) {
            const rowBase = (j * C + c) * n + k * C;
            for (let c2 = 0; c2 < C; c2++) {
              H[rowBase + c2]! += xx * ((c === c2 ? p[c]! : 0) - p[c]! * p[c2]!);
            }
          }
        }
      }
    }
    for (let i = 0; i < d * C; i++) H[i * n + i]! += l2;
    return H;
  };
}
