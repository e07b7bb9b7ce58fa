import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { errorCode } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { captureModel, filesHandler } from './model-files';
import type { ModelFiles } from './protocol';

async function saved(): Promise<{ model: tfl.LayersModel; files: ModelFiles }> {
  const model = tfl.sequential({
    layers: [tfl.layers.dense({ inputShape: [3], units: 2, name: 'd' })],
  });
  model.setWeights([tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]), tf.tensor1d([0.5, -0.5])]);
  let files: ModelFiles | undefined;
  await model.save(
    captureModel((f) => {
      files = f;
    }),
  );
  return { model, files: files! };
}

async function rejects(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: Error) => e,
  );
}

describe('captureModel / filesHandler', () => {
  it('round-trips a model through model.json + one weights file', async () => {
    const { model, files } = await saved();
    expect(JSON.parse(files.json).weightsManifest[0].paths).toEqual(['./model.weights.bin']);
    expect(files.weights[0]!.data.byteLength).toBe((6 + 2) * 4);
    const back = await tfl.loadLayersModel(filesHandler(files));
    const [k, b] = back.getWeights();
    expect([...(await k!.data())]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...(await b!.data())]).toEqual([0.5, -0.5]);
    model.dispose();
    back.dispose();
  });

  it('rejects malformed JSON, a JSON without topology, a missing or a short weight file with IOError', async () => {
    const { model, files } = await saved();
    const load = (f: ModelFiles) => filesHandler(f).load!();
    const bad = await rejects(load({ ...files, json: '{"modelTopology": ' }));
    expect(bad.message).toMatch(/model\.json is not valid JSON/);
    expect(
      errorCode(() => {
        throw bad;
      }),
    ).toBe('IO');
    expect((await rejects(load({ ...files, json: '{"format": "layers-model"}' }))).message).toMatch(
      /no modelTopology/,
    );
    expect((await rejects(load({ ...files, weights: [] }))).message).toMatch(
      /"model.weights.bin" was not given/,
    );
    const short = [{ name: 'model.weights.bin', data: new ArrayBuffer(12) }];
    expect((await rejects(load({ ...files, weights: short }))).message).toMatch(
      /32 bytes for 2 weights.*12 bytes/s,
    );
    model.dispose();
  });
});
