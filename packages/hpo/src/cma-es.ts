// The CMA-ES core: strategy parameters, one generation's update, sampling. Hansen, "The CMA
// Evolution Strategy: A Tutorial" (arXiv:1604.00772, 2016); equation numbers refer to it.
import type { Rng } from '@trainkit/core';

/** Strategy parameters of a (mu/mu_w, lambda)-CMA-ES in n dimensions (tutorial, Table 1). */
export interface CmaParameters {
  n: number;
  lambda: number;
  mu: number;
  /** lambda recombination weights: mu positive (sum 1), then negative ones (active CMA). */
  weights: number[];
  muEff: number;
  cSigma: number;
  dSigma: number;
  cc: number;
  c1: number;
  cMu: number;
  /** E||N(0, I)||. */
  chiN: number;
}

/** The search distribution N(mean, sigma^2 C) and the evolution paths. */
export interface CmaState {
  mean: number[];
  sigma: number;
  C: number[][];
  pSigma: number[];
  pc: number[];
  /** Generations completed. */
  g: number;
}

export function cmaParameters(n: number, lambda = 4 + Math.floor(3 * Math.log(n))): CmaParameters {
  const mu = Math.floor(lambda / 2);
  const wPrime = Array.from(
    { length: lambda },
    (_, i) => Math.log((lambda + 1) / 2) - Math.log(i + 1),
  ); // (49)
  const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
  const pos = wPrime.slice(0, mu);
  const neg = wPrime.slice(mu);
  const muEff = sum(pos) ** 2 / sum(pos.map((w) => w * w));
  const muEffMinus = neg.length ? sum(neg) ** 2 / sum(neg.map((w) => w * w)) : 0;
  const alphaCov = 2;
  const c1 = alphaCov / ((n + 1.3) ** 2 + muEff); // (57)
  const cMu = Math.min(
    1 - c1,
    (alphaCov * (muEff - 2 + 1 / muEff)) / ((n + 2) ** 2 + (alphaCov * muEff) / 2),
  ); // (58)
  const alphaMinus = Math.min(
    1 + c1 / cMu, // (50)
    1 + (2 * muEffMinus) / (muEff + 2), // (51)
    (1 - c1 - cMu) / (n * cMu), // (52)
  );
  const sumPos = sum(wPrime.filter((w) => w > 0));
  const sumNeg = -sum(wPrime.filter((w) => w < 0));
  const weights = wPrime.map((w) => (w >= 0 ? w / sumPos : (alphaMinus * w) / sumNeg)); // (53)
  const cSigma = (muEff + 2) / (n + muEff + 5); // (55)
  const dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
  const cc = (4 + muEff / n) / (n + 4 + (2 * muEff) / n); // (56)
  const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
  return { n, lambda, mu, weights, muEff, cSigma, dSigma, cc, c1, cMu, chiN };
}

export function cmaInit(mean: number[], sigma: number): CmaState {
  const n = mean.length;
  return {
    mean: [...mean],
    sigma,
    C: Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))),
    pSigma: new Array(n).fill(0),
    pc: new Array(n).fill(0),
    g: 0,
  };
}

/** Eigen-decomposition of a symmetric matrix (cyclic Jacobi): A = B diag(values) B^T. */
export function symmetricEigen(A: number[][]): { values: number[]; B: number[][] } {
  const n = A.length;
  const a = A.map((r) => [...r]);
  const B: number[][] = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)),
  );
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p]![q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const bkp = B[k]![p]!;
          const bkq = B[k]![q]!;
          B[k]![p] = c * bkp - s * bkq;
          B[k]![q] = s * bkp + c * bkq;
        }
      }
    }
  }
  return { values: a.map((r, i) => r[i]!), B };
}

/** B and D (standard deviations along the principal axes) of C, with C's tiny negative eigenvalues floored. */
function decompose(C: number[][]): { B: number[][]; D: number[] } {
  const sym = C.map((r, i) => r.map((v, j) => (v + C[j]![i]!) / 2));
  const { values, B } = symmetricEigen(sym);
  return { B, D: values.map((v) => Math.sqrt(v < 0 ? 1e-300 : v)) };
}

/** A draw from N(mean, sigma^2 C): x = m + sigma B D z, z ~ N(0, I) (tutorial, eqs. 38-40). */
export function cmaSample(state: CmaState, rng: Rng): number[] {
  const { B, D } = decompose(state.C);
  const n = state.mean.length;
  const dz = Array.from({ length: n }, (_, i) => D[i]! * rng.normal());
  return state.mean.map((m, i) => {
    let y = 0;
    for (let j = 0; j < n; j++) y += B[i]![j]! * dz[j]!;
    return m + state.sigma * y;
  });
}

/**
 * One generation's update from lambda evaluated points `xs` sorted best first (tutorial,
 * eqs. 41-47 with the weights of eq. 53): mean, cumulative step-size adaptation, rank-one and
 * rank-mu covariance updates. Returns the new state.
 */
export function cmaTell(state: CmaState, p: CmaParameters, xs: number[][]): CmaState {
  const { n, mu, weights, muEff, cSigma, dSigma, cc, c1, cMu, chiN } = p;
  const { B, D } = decompose(state.C);
  const { mean: m, sigma } = state;
  const ys = xs.map((x) => x.map((v, i) => (v - m[i]!) / sigma));
  // C^{-1/2} = B D^-1 B^T
  const invSqrtC = B.map((_, i) =>
    B.map((_, j) => {
      let s = 0;
      for (let k = 0; k < n; k++) s += (B[i]![k]! * B[j]![k]!) / D[k]!;
      return s;
    }),
  );
  const mul = (M: number[][], v: number[]) => M.map((r) => r.reduce((s, x, j) => s + x * v[j]!, 0));
  const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  const yw = new Array(n).fill(0) as number[]; // (41)
  for (let i = 0; i < mu; i++) for (let k = 0; k < n; k++) yw[k]! += weights[i]! * ys[i]![k]!;
  const mean = m.map((v, k) => v + sigma * yw[k]!); // (42), c_m = 1
  const cs = Math.sqrt(cSigma * (2 - cSigma) * muEff);
  const wy = mul(invSqrtC, yw);
  const pSigma = state.pSigma.map((v, k) => (1 - cSigma) * v + cs * wy[k]!); // (43)
  const normPs = norm(pSigma);
  const newSigma = sigma * Math.exp((cSigma / dSigma) * (normPs / chiN - 1)); // (44)
  const g = state.g + 1;
  const hSigma =
    normPs / Math.sqrt(1 - (1 - cSigma) ** (2 * (g + 1))) < (1.4 + 2 / (n + 1)) * chiN ? 1 : 0;
  const ccs = Math.sqrt(cc * (2 - cc) * muEff);
  const pc = state.pc.map((v, k) => (1 - cc) * v + hSigma * ccs * yw[k]!); // (45)
  // (46): negative weights act on directions rescaled to length sqrt(n) in the C^{-1/2} metric
  // (the 1e-8 guard against a zero step is the cmaes library's, so the two agree to 1e-12)
  const wo = weights.map((w, i) =>
    w >= 0 ? w : (w * n) / (norm(mul(invSqrtC, ys[i]!)) ** 2 + 1e-8),
  );
  const deltaH = (1 - hSigma) * cc * (2 - cc);
  const sumW = weights.reduce((s, w) => s + w, 0);
  const keep = 1 + c1 * deltaH - c1 - cMu * sumW;
  const C = state.C.map((row, i) =>
    row.map((cij, j) => {
      let rankMu = 0;
      for (let k = 0; k < ys.length; k++) rankMu += wo[k]! * ys[k]![i]! * ys[k]![j]!;
      return keep * cij + c1 * pc[i]! * pc[j]! + cMu * rankMu; // (47)
    }),
  );
  return { mean, sigma: newSigma, C, pSigma, pc, g };
}
