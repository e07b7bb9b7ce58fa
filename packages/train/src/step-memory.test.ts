import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useFastBackend } from '@trainkit/backend';
import { ConfigError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { fit } from './fit';
import { softmaxCrossEntropy } from './losses/softmax-cross-entropy';
import {
  checkStepMemory,
  layerOutputElements,
  stepHeapBytes,
  WASM_HEAP_MAX_BYTES,
} from './step-memory';

// conv 3x3x3 'same' on 8x8x1 (192 outputs, 30 weights), flatten (192), dense 10 (10, 1930 weights)
const small = () =>
  tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 3, kernelSize: 3, padding: 'same' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10 }),
    ],
  });
// a 1x1 conv of 64 filters on 512x512x64: 16,777,216 outputs per example, 4,160 weights
const wide = () =>
  tfl.sequential({
    layers: [tfl.layers.conv2d({ inputShape: [512, 512, 64], filters: 64, kernelSize: 1 })],
  });

describe('the wasm heap check of a training step', () => {
  it('counts every layer output, nested models layer by layer (hand-computed)', () => {
    const m = small();
    expect(layerOutputElements(m, 1)).toBe(192 + 192 + 10);
    expect(layerOutputElements(m, 3)).toBe(3 * 394);
    // 5 heap bytes per output byte, 4 per weight byte: 20 * 394 * 2 + 16 * 1960
    expect(stepHeapBytes(m, 2)).toBe(47_120);
    const outer = tfl.sequential({
      layers: [m, tfl.layers.dense({ units: 4, inputShape: [10] })],
    });
    expect(layerOutputElements(outer, 1)).toBe(394 + 4);
    outer.dispose();
  });

  it('refuses a batch past the 4 GiB heap on wasm, naming batchSize, the batch that fits and the accumulation', () => {
    const m = wide();
    // per example 20 * 16,777,216 bytes; (4,294,901,760 - 16 * 4,160) / 335,544,320 = 12.8
    expect(WASM_HEAP_MAX_BYTES).toBe(4_294_901_760);
    let error: unknown;
    try {
      checkStepMemory(m, 16, 'wasm');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError & { argument?: string };
    expect(e.argument).toBe('batchSize');
    expect(e.message).toMatch(/batch 16 needs about 5\.0 GiB .* at most 4\.0 GiB/);
    expect(e.message).toMatch(/a batch of 12 or fewer \(12 with 2 accumulation steps/);
    expect(() => checkStepMemory(m, 12, 'wasm')).not.toThrow();
    expect(() => checkStepMemory(m, 16, 'cpu')).not.toThrow();
    expect(() => checkStepMemory(m, 13, 'wasm')).toThrow(ConfigError);
    m.dispose();
  });

  describe('through fit on the wasm backend', () => {
    afterAll(async () => {
      await tf.setBackend('cpu');
    });
    it('fails before the first step with the typed error, leaking nothing', async () => {
      await useFastBackend('wasm');
      expect(tf.getBackend()).toBe('wasm');
      const m = wide();
      let batches = 0;
      const data = () =>
        (async function* () {
          batches += 1;
          yield* [];
        })();
      await expectNoLeaks(async () => {
        await expect(
          fit(m, data, { loss: softmaxCrossEntropy(), batchSize: 16, progress: false }),
        ).rejects.toThrow(/12 with 2 accumulation steps/);
      });
      expect(batches).toBe(0);
      m.dispose();
    });
  });
});
