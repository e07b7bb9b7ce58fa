import { dot, maxAbs } from './vec';

type Eval = (t: number) => Promise<{ loss: number; grad: Float64Array }>;

/** Minimiser of the cubic through (x1, f1, g1), (x2, f2, g2), clamped to `bounds` (Nocedal & Wright eq. 3.59). */
function cubicInterpolate(
  x1: number,
  f1: number,
  g1: number,
  x2: number,
  f2: number,
  g2: number,
  bounds?: [number, number],
): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2sq = d1 * d1 - g1 * g2;
  if (d2sq >= 0) {
    const d2 = Math.sqrt(d2sq);
    const minPos =
      x1 <= x2
        ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

/**
 * Line search for the strong Wolfe conditions, a line-by-line port of PyTorch's
 * `torch.optim.lbfgs._strong_wolfe` (itself from minFunc); Nocedal & Wright, Alg. 3.5-3.6.
 * Returns the loss and gradient at the accepted step `t` and the number of evaluations.
 */
export async function strongWolfe(
  evaluate: Eval,
  t0: number,
  d: Float64Array,
  f: number,
  g: Float64Array,
  gtd: number,
  c1 = 1e-4,
  c2 = 0.9,
  toleranceChange = 1e-9,
  maxLs = 25,
): Promise<{ loss: number; grad: Float64Array; t: number; evals: number }> {
  let t = t0;
  const dNorm = maxAbs(d);
  let { loss: fNew, grad: gNew } = await evaluate(t);
  let evals = 1;
  let gtdNew = dot(gNew, d);
  let tPrev = 0;
  let fPrev = f;
  let gPrev = g;
  let gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [];
  let bracketF: number[] = [];
  let bracketG: Float64Array[] = [];
  let bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      bracket = [tPrev, t];
      bracketF = [fPrev, fNew];
      bracketG = [gPrev, gNew];
      bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      bracket = [t];
      bracketF = [fNew];
      bracketG = [gNew];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      bracket = [tPrev, t];
      bracketF = [fPrev, fNew];
      bracketG = [gPrev, gNew];
      bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp;
    fPrev = fNew;
    gPrev = gNew;
    gtdPrev = gtdNew;
    ({ loss: fNew, grad: gNew } = await evaluate(t));
    evals++;
    gtdNew = dot(gNew, d);
    lsIter++;
  }
  if (lsIter === maxLs) {
    bracket = [0, t];
    bracketF = [f, fNew];
    bracketG = [g, gNew];
    bracketGtd = [gtd, gtdNew];
  }
  // Zoom phase.
  let insufProgress = false;
  let [lowPos, highPos] = (bracketF[0] as number) <= (bracketF.at(-1) as number) ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    const b0 = bracket[0] as number;
    const b1 = bracket[1] as number;
    if (Math.abs(b1 - b0) * dNorm < toleranceChange) break;
    t = cubicInterpolate(b0, bracketF[0]!, bracketGtd[0]!, b1, bracketF[1]!, bracketGtd[1]!);
    const bMax = Math.max(b0, b1);
    const bMin = Math.min(b0, b1);
    const eps = 0.1 * (bMax - bMin);
    if (Math.min(bMax - t, t - bMin) < eps) {
      if (insufProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufProgress = false;
      } else insufProgress = true;
    } else insufProgress = false;
    ({ loss: fNew, grad: gNew } = await evaluate(t));
    evals++;
    gtdNew = dot(gNew, d);
    lsIter++;
    if (fNew > f + c1 * t * gtd || fNew >= (bracketF[lowPos] as number)) {
      bracket[highPos] = t;
      bracketF[highPos] = fNew;
      bracketG[highPos] = gNew;
      bracketGtd[highPos] = gtdNew;
      [lowPos, highPos] = (bracketF[0] as number) <= (bracketF[1] as number) ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
      else if (gtdNew * ((bracket[highPos] as number) - (bracket[lowPos] as number)) >= 0) {
        bracket[highPos] = bracket[lowPos] as number;
        bracketF[highPos] = bracketF[lowPos] as number;
        bracketG[highPos] = bracketG[lowPos] as Float64Array;
        bracketGtd[highPos] = bracketGtd[lowPos] as number;
      }
      bracket[lowPos] = t;
      bracketF[lowPos] = fNew;
      bracketG[lowPos] = gNew;
      bracketGtd[lowPos] = gtdNew;
    }
  }
  return {
    t: bracket[lowPos] as number,
    loss: bracketF[lowPos] as number,
    grad: bracketG[lowPos] as Float64Array,
    evals,
  };
}
