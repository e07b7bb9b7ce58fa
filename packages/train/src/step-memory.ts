import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@trainkit/core';

/**
 * The tfjs wasm backend's heap is a wasm32 memory: at most 65,535 pages of 64 KiB. A step that
 * needs more fails deep inside the backend (tfjs-wasm does not check its `malloc`s), with
 * `memory access out of bounds`, `Aborted()` or `null function or function signature mismatch`
 * depending on what the failed allocation overwrote, and leaves the backend unusable.
 */
export const WASM_HEAP_MAX_BYTES = 65_535 * 65_536;

/**
 * Heap bytes a training step takes per byte of layer outputs (the activations the backward pass
 * keeps, their gradients, the kernels' scratch): 4.7-4.9 measured on the wasm backend for a
 * Darknet-tiny fine-tuning step at 224x224 and batches 2, 8 and 16 (bench/finetune-224-heap.ts).
 */
const HEAP_PER_OUTPUT_BYTE = 5;

/** Bytes per weight a step holds: the weight, its gradient and two moments (Adam). */
const HEAP_PER_WEIGHT_BYTE = 4;

interface LayerLike {
  outputShape?: unknown;
  layers?: LayerLike[];
  countParams?: () => number;
}

function shapeElements(shape: unknown, batch: number): number {
  if (!Array.isArray(shape)) return 0;
  if (shape.length > 0 && Array.isArray(shape[0])) {
    return shape.reduce((s: number, sh: unknown) => s + shapeElements(sh, batch), 0);
  }
  return (shape as (number | null)[]).reduce<number>((p, d) => p * (d ?? batch), 1);
}

/** Elements of every layer's output for a batch of `batch` (nested models counted layer by layer). */
export function layerOutputElements(model: LayerLike, batch: number): number {
  let total = 0;
  for (const layer of model.layers ?? []) {
    total += Array.isArray(layer.layers)
      ? layerOutputElements(layer, batch)
      : shapeElements(layer.outputShape, batch);
  }
  return total;
}

/** Estimated heap bytes one training step of `model` at `batch` examples takes on wasm. */
export function stepHeapBytes(model: LayerLike, batch: number): number {
  const weights = model.countParams?.() ?? 0;
  return (
    HEAP_PER_OUTPUT_BYTE * 4 * layerOutputElements(model, batch) +
    HEAP_PER_WEIGHT_BYTE * 4 * weights
  );
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/**
 * Refuses, before the first step, a batch whose training step cannot fit the wasm backend's 4 GiB
 * heap, with a `ConfigError` naming `batchSize`, the largest batch that fits and the
 * `accumulateSteps` that keeps the effective batch. Other backends are not checked (their memory is
 * the machine's). The whole batch is checked even with replicas: `fit` may go back to one engine.
 */
export function checkStepMemory(
  model: LayerLike,
  batchSize: number,
  backend: string = tf.getBackend(),
): void {
  // an invalid batchSize is the loop's own check to report
  if (backend !== 'wasm' || !Array.isArray(model.layers)) return;
  if (!Number.isInteger(batchSize) || batchSize < 1) return;
  const need = stepHeapBytes(model, batchSize);
  if (need <= WASM_HEAP_MAX_BYTES) return;
  const perExample = stepHeapBytes(model, 1) - stepHeapBytes(model, 0);
  const fits = Math.max(
    0,
    Math.floor((WASM_HEAP_MAX_BYTES - stepHeapBytes(model, 0)) / Math.max(perExample, 1)),
  );
  const advice =
    fits >= 1
      ? `a batch of ${fits} or fewer (${fits} with ${Math.ceil(batchSize / fits)} accumulation steps keeps an effective batch of ${batchSize} or more)`
      : 'a smaller model or input size (not even one example fits)';
  throw new ConfigError(
    `a training step at batch ${batchSize} needs about ${gib(need)} of the wasm backend's memory, which holds at most ${gib(WASM_HEAP_MAX_BYTES)}`,
    {
      argument: 'batchSize',
      expected: `${advice}, or the cpu backend`,
      received: batchSize,
    },
  );
}
