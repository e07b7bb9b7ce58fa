import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { readInto } from './covariance-transform';

describe('readInto', () => {
  it('copies a wasm tensor from the heap exactly as dataSync reads it (and cpu tensors via dataSync)', async () => {
    const before = tf.getBackend();
    try {
      for (const backend of ['wasm', 'cpu']) {
        await tf.setBackend(backend);
        const x = tf.tidy(() => tf.reshape(tf.div(tf.range(0, 6000, 1, 'float32'), 7), [1000, 6]));
        const out = readInto(x, new Float32Array(6000));
        expect(Array.from(out)).toEqual(Array.from(x.dataSync()));
        x.dispose();
      }
    } finally {
      await tf.setBackend(before);
    }
  });
});
