// Test-only helpers (not exported from the package).
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@trainkit/core';
import { expect } from 'vitest';

/** Runs `fn` on `backend` and returns its values; disposes everything it made. */
export async function valuesOn(backend: string, fn: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  const t = tf.tidy(fn);
  const v = (await t.data()) as Float32Array;
  tf.dispose(t);
  return v;
}

export const randn = (rng: Rng, shape: number[]) =>
  rng.normalArray(shape.reduce((a, b) => a * b, 1));

/** |a - b| <= atol + rtol * |b| element-wise, with a readable failure. */
export function expectClose(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  atol = 1e-4,
  rtol = 1e-4,
  what = '',
) {
  expect(a.length).toBe(b.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs((a[i] as number) - (b[i] as number)) - rtol * Math.abs(b[i] as number);
    if (err > worst) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `${what} element ${at}: ${a[at]} vs ${b[at]}`).toBeLessThanOrEqual(atol);
}

/** Live backend data buffers on the active backend (catches leaks below the engine). */
export const dataIds = () => tf.engine().backend.numDataIds();
