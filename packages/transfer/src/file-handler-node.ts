import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { ConfigError, IOError } from '@trainkit/core';
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
 * that every weight shard exists and that their bytes match the manifest, throwing an
 * {@link IOError} naming the file otherwise. Saving writes `model.json` + `weights.bin`.
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
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: ArrayBuffer[] = [];
      for (const group of json.weightsManifest ?? []) {
        const parts: Buffer[] = [];
        for (const p of group.paths) {
          const file = join(dir, p);
          try {
            parts.push(await readFile(file));
          } catch (cause) {
            throw new IOError('weight shard is missing or unreadable', {
              argument: 'path',
              received: file,
              cause,
            });
          }
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
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      await mkdir(dirname(resolve(out)), { recursive: true });
      await writeFile(out, JSON.stringify(json));
      await writeFile(join(dirname(out), 'weights.bin'), Buffer.from(data ?? new ArrayBuffer(0)));
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
