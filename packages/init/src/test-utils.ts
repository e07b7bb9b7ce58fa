import type * as tf from '@tensorflow/tfjs-core';

/** Mean and (population) variance of a tensor's values in float64, for tests. */
export function sampleStats(t: tf.Tensor): { mean: number; variance: number; maxAbs: number } {
  const v = t.dataSync();
  let s = 0;
  let maxAbs = 0;
  for (const x of v) {
    s += x;
    maxAbs = Math.max(maxAbs, Math.abs(x));
  }
  const mean = s / v.length;
  let ss = 0;
  for (const x of v) ss += (x - mean) ** 2;
  return { mean, variance: ss / v.length, maxAbs };
}
