import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { ConfigError, IOError } from '@trainkit/core';
import { writeFileAtomic } from '@trainkit/core/node';
import { type ExtractFeaturesOptions, extractFeatures } from './extract-features';

export interface CachedFeaturesOptions extends ExtractFeaturesOptions {
  /** Directory holding `<sha256>.bin` + `<sha256>.json` code files (created if missing). */
  cacheDir: string;
}

function bytesOf(v: ArrayBufferView): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

async function featureKey(
  model: LayersModel,
  x: tf.Tensor,
  o: ExtractFeaturesOptions,
): Promise<string> {
  const h = createHash('sha256');
  for (const w of model.weights) {
    h.update(w.originalName ?? w.name);
    h.update(JSON.stringify(w.shape));
    h.update(bytesOf(await w.read().data()));
  }
  h.update(JSON.stringify({ layer: o.layer ?? -2, pool: o.pool ?? 'none', relu: o.relu ?? true }));
  h.update(JSON.stringify({ shape: x.shape, dtype: x.dtype }));
  h.update(bytesOf(await x.data()));
  return h.digest('hex');
}

/**
 * {@link extractFeatures} with a disk cache keyed by a SHA-256 of the model's weights, the layer
 * and options, and the input data, so repeated experiments skip the forward passes. Returns the
 * codes (owned by the caller) and whether they came from the cache.
 *
 * @example const { codes, hit } = await extractFeaturesCached(net, x, { layer: 'dense', cacheDir: '.cache/codes' });
 */
export async function extractFeaturesCached(
  model: LayersModel,
  x: tf.Tensor,
  options: CachedFeaturesOptions,
): Promise<{ codes: tf.Tensor2D; hit: boolean; key: string }> {
  if (typeof options?.cacheDir !== 'string' || options.cacheDir.length === 0) {
    throw new ConfigError('a cache directory is required', {
      argument: 'options.cacheDir',
      expected: 'a non-empty path string',
      received: options?.cacheDir,
    });
  }
  const key = await featureKey(model, x, options);
  const bin = join(options.cacheDir, `${key}.bin`);
  const meta = join(options.cacheDir, `${key}.json`);
  let cached: { shape: [number, number] } | undefined;
  try {
    cached = JSON.parse(await readFile(meta, 'utf8')) as { shape: [number, number] };
  } catch {
    cached = undefined;
  }
  if (cached) {
    const bytes = await readFile(bin).catch((cause: unknown) => {
      throw new IOError('cached codes are missing', {
        argument: 'options.cacheDir',
        received: bin,
        cause,
      });
    });
    const [n, d] = cached.shape;
    if (bytes.byteLength !== n * d * 4) {
      throw new IOError('cached codes are truncated or corrupt', {
        argument: 'options.cacheDir',
        expected: `${n * d * 4} bytes`,
        receivedText: `${bytes.byteLength} bytes in ${bin}`,
      });
    }
    const values = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    );
    return { codes: tf.tensor2d(values, [n, d]), hit: true, key };
  }
  const codes = extractFeatures(model, x, options);
  const data = (await codes.data()) as Float32Array;
  await mkdir(options.cacheDir, { recursive: true });
  // Each file atomically, the codes before the metadata that makes them a cache hit.
  writeFileAtomic(bin, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  writeFileAtomic(meta, JSON.stringify({ shape: codes.shape }));
  return { codes, hit: false, key };
}
