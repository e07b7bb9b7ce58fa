// model.json + weight files <-> tfjs IOHandlers, for saving from and loading into the worker.
import * as tf from '@tensorflow/tfjs-core';
import { IOError } from '@trainkit/core';
import type { ModelFiles } from './protocol';

const WEIGHTS_NAME = 'model.weights.bin';

/** A tfjs save handler that hands back model.json text and one weights file. */
export function captureModel(onSave: (files: ModelFiles) => void): tf.io.IOHandler {
  return tf.io.withSaveHandler(async (artifacts) => {
    const data = artifacts.weightData
      ? new tf.io.CompositeArrayBuffer(artifacts.weightData).slice()
      : new ArrayBuffer(0);
    const json = {
      modelTopology: artifacts.modelTopology,
      format: artifacts.format ?? 'layers-model',
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      weightsManifest: [{ paths: [`./${WEIGHTS_NAME}`], weights: artifacts.weightSpecs ?? [] }],
    };
    onSave({ json: JSON.stringify(json), weights: [{ name: WEIGHTS_NAME, data }] });
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  });
}

const base = (path: string) => path.split('/').pop() ?? path;

/**
 * A tfjs load handler over files the user picked: model.json text plus the weight files its
 * manifest names (matched by file name). Malformed JSON or a missing file -> `IOError`.
 */
export function filesHandler(files: ModelFiles): tf.io.IOHandler {
  return {
    load: async () => {
      let json: tf.io.ModelJSON;
      try {
        json = JSON.parse(files.json) as tf.io.ModelJSON;
      } catch (cause) {
        throw new IOError(`model.json is not valid JSON (${(cause as Error).message})`, {
          argument: 'model.json',
          expected: 'a tfjs layers model.json',
          cause,
        });
      }
      if (json === null || typeof json !== 'object' || !json.modelTopology) {
        throw new IOError('model.json has no modelTopology', {
          argument: 'model.json',
          expected: 'a tfjs layers model.json (modelTopology + weightsManifest)',
          receivedText: json === null ? 'null' : `keys ${Object.keys(json).join(', ') || '(none)'}`,
        });
      }
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          for (const path of group.paths) {
            const file = files.weights.find((w) => w.name === base(path));
            if (!file) {
              throw new IOError(`weight file "${base(path)}" was not given`, {
                argument: 'weights',
                expected: `the files named in model.json: ${manifest.flatMap((g) => g.paths.map(base)).join(', ')}`,
                receivedText: files.weights.map((w) => w.name).join(', ') || 'no weight file',
              });
            }
            buffers.push(file.data);
          }
          specs.push(...group.weights);
        }
        const data = new tf.io.CompositeArrayBuffer(buffers).slice();
        const need = specs.reduce((n, s) => {
          const size = s.shape.reduce((a, b) => a * b, 1);
          const bytes = s.quantization ? (s.quantization.dtype === 'uint8' ? 1 : 2) : 4;
          return n + size * bytes;
        }, 0);
        if (data.byteLength !== need) {
          throw new IOError('the weight files do not match model.json', {
            argument: 'weights',
            expected: `${need} bytes for ${specs.length} weights`,
            receivedText: `${data.byteLength} bytes`,
          });
        }
        return [specs, data];
      });
    },
  };
}
