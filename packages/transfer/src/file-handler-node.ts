import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { ConfigError, IOError } from '@trainkit/core';
import { writeFileAtomic } from '@trainkit/core/node';
import { loadModel, saveModel } from './load-model';

const BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
  complex64: 8,
};

function specBytes(spec: tf.io.WeightsManifestEntry): number {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  return n * (BYTES[dtype] ?? 4);
}

/** Size and SHA-256 of each weight file, recorded in model.json (written last) by `save`. */
type Checksums = Record<string, { bytes: number; sha256: string }>;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The file of a manifest path, refused when it leaves the model's folder. */
function shardFile(dir: string, p: unknown): string {
  const file = typeof p === 'string' ? resolve(dir, p) : '';
  const rel = relative(resolve(dir), file);
  if (typeof p !== 'string' || p === '' || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new IOError('a weight path leaves the model folder', {
      argument: 'path',
      expected: `weight files inside ${resolve(dir)}`,
      received: p,
    });
  }
  return file;
}

async function modelJsonPath(path: string): Promise<string> {
  const p = path.startsWith('file://') ? path.slice('file://'.length) : path;
  try {
    const s = await stat(p);
    return s.isDirectory() ? join(p, 'model.json') : p;
  } catch (cause) {
    throw new IOError('model file or directory not found', {
      argument: 'path',
      expected: 'a model.json file or a directory holding one',
      received: path,
      cause,
    });
  }
}

/**
 * A tfjs `IOHandler` reading/writing the tfjs-layers format on the local file system (Node).
 * `path` is a `model.json` file or its directory (a `file://` prefix is allowed). Loading checks
 * that every weight shard exists inside the model's folder and that their bytes match the manifest
 * (and the SHA-256 that `save` records), throwing an {@link IOError} naming the file otherwise.
 * Saving writes `weights.bin` then `model.json`, each atomically (temporary file, fsync, rename).
 *
 * @example const model = await tf.loadLayersModel(fileHandler('./models/doodlenet'));
 */
export function fileHandler(path: string): tf.io.IOHandler {
  if (typeof path !== 'string' || path.length === 0) {
    throw new ConfigError('a model path is required', {
      argument: 'path',
      expected: 'a non-empty path string',
      received: path,
    });
  }
  return {
    load: async () => {
      const jsonPath = await modelJsonPath(path);
      let json: tf.io.ModelJSON;
      try {
        json = JSON.parse(await readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
      } catch (cause) {
        throw new IOError('model.json is missing or not valid JSON', {
          argument: 'path',
          received: jsonPath,
          cause,
        });
      }
      if (!json || typeof json !== 'object' || !json.modelTopology) {
        throw new IOError('model.json has no modelTopology', {
          argument: 'path',
          expected: 'a tfjs-layers model.json',
          received: jsonPath,
        });
      }
      const dir = dirname(jsonPath);
      const checksums = (json as { weightsChecksums?: Checksums }).weightsChecksums;
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: ArrayBuffer[] = [];
      for (const group of json.weightsManifest ?? []) {
        const parts: Buffer[] = [];
        for (const p of group.paths) {
          const file = shardFile(dir, p);
          let part: Buffer;
          try {
            part = await readFile(file);
          } catch (cause) {
            throw new IOError('weight shard is missing or unreadable', {
              argument: 'path',
              received: file,
              cause,
            });
          }
          const want = checksums?.[p];
          if (want && (part.byteLength !== want.bytes || sha256(part) !== want.sha256)) {
            throw new IOError(
              'weight shard does not match model.json (a torn or mixed save): save the model again',
              {
                argument: 'path',
                expected: `${want.bytes} bytes with the SHA-256 model.json records`,
                receivedText: `${part.byteLength} bytes in ${file}`,
              },
            );
          }
          parts.push(part);
        }
        const bytes = Buffer.concat(parts);
        const expected = group.weights.reduce((a, w) => a + specBytes(w), 0);
        if (bytes.byteLength !== expected) {
          throw new IOError('weight shards are truncated or corrupt', {
            argument: 'path',
            expected: `${expected} bytes for ${group.weights.length} weights in ${group.paths.join(', ')}`,
            receivedText: `${bytes.byteLength} bytes`,
          });
        }
        specs.push(...group.weights);
        buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      }
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs: specs,
        weightData: tf.io.concatenateArrayBuffers(buffers),
        userDefinedMetadata: json.userDefinedMetadata,
      };
    },
    save: async (artifacts) => {
      const dir = path.startsWith('file://') ? path.slice('file://'.length) : path;
      const out = dir.endsWith('.json') ? dir : join(dir, 'model.json');
      const raw = artifacts.weightData;
      const data = Array.isArray(raw) ? tf.io.concatenateArrayBuffers(raw) : raw;
      const weights = new Uint8Array(data ?? new ArrayBuffer(0));
      const json: tf.io.ModelJSON & { weightsChecksums: Checksums } = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
        weightsChecksums: {
          'weights.bin': { bytes: weights.byteLength, sha256: sha256(weights) },
        },
      };
      // Each file replaced atomically, model.json (which checks weights.bin) last: a crash leaves
      // the old model, or a weights.bin that the old model.json detects as not its own.
      writeFileAtomic(join(dirname(out), 'weights.bin'), weights);
      writeFileAtomic(out, JSON.stringify(json));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: data?.byteLength ?? 0,
        },
      };
    },
  };
}

/**
 * Loads a tfjs-layers model from a local path (Node), via {@link fileHandler} and `loadModel`.
 * @example const doodlenet = await loadModelFromPath('../shared/models/doodlenet');
 */
export function loadModelFromPath(path: string): Promise<LayersModel> {
  return loadModel(fileHandler(path));
}

/**
 * Saves a model to a local directory (Node): `model.json` + `weights.bin`.
 * @example await saveModelToPath(model, './out/fine-tuned');
 */
export async function saveModelToPath(model: LayersModel, path: string): Promise<void> {
  await saveModel(model, fileHandler(path));
}
