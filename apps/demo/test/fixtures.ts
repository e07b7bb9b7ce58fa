// Files the tests hand to the page: IDX files of any shape, and a tiny tfjs layers model saved
// as model.json + weights (built here with tfjs-layers on the cpu backend).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An uncompressed uint8 IDX file of `dims` filled by `value(i)`. */
export function idxBytes(dims: number[], value: (i: number) => number): Buffer {
  const count = dims.reduce((a, b) => a * b, 1);
  const out = Buffer.alloc(4 + 4 * dims.length + count);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => {
    out.writeUInt32BE(d, 4 + 4 * i);
  });
  for (let i = 0; i < count; i++) out[4 + 4 * dims.length + i] = value(i) & 0xff;
  return out;
}

/** A tiny 28x28x1 CNN (conv 4 - pool - flatten - dense 16 - dense 5) saved to a temp folder. */
export async function tinyModelFiles(): Promise<{ json: string; weights: string; layers: number }> {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const tfl = await import('@tensorflow/tfjs-layers');
  await tf.setBackend('cpu');
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 4,
        kernelSize: 3,
        activation: 'relu',
        name: 'conv',
      }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dense({ units: 16, activation: 'relu', name: 'features' }),
      tfl.layers.dense({ units: 5, name: 'old_head' }),
    ],
  });
  const dir = mkdtempSync(join(tmpdir(), 'demo-model-'));
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const data = new tf.io.CompositeArrayBuffer(a.weightData!).slice();
      writeFileSync(join(dir, 'weights.bin'), Buffer.from(data));
      writeFileSync(
        join(dir, 'model.json'),
        JSON.stringify({
          modelTopology: a.modelTopology,
          format: 'layers-model',
          weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
        }),
      );
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const layers = model.layers.length;
  model.dispose();
  return { json: join(dir, 'model.json'), weights: join(dir, 'weights.bin'), layers };
}
