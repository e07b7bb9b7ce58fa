import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, IOError } from '@trainkit/core';
import { expectNoLeaks, sharedDir } from '@trainkit/test-utils';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadModel, stripInnerInputShapes } from './load-model';
import { fileHandler, loadModelFromPath, saveModelToPath } from './node';

const doodle = sharedDir('models/doodlenet');
const darknet = sharedDir('models/darknet-tiny');
if (!doodle || !darknet) console.log('shared/models absent: skipping the pretrained-network tests');

function tiny(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 3, inputShape: [4], activation: 'relu' }),
      tfl.layers.dense({ units: 2 }),
    ],
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'transfer-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('saveModelToPath / loadModelFromPath', () => {
  it('round-trips topology and weights bit-exactly', async () => {
    const m = tiny();
    await saveModelToPath(m, join(dir, 'rt'));
    const back = await loadModelFromPath(join(dir, 'rt'));
    expect(back.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Dense']);
    const a = m.getWeights().map((w) => Array.from(w.dataSync()));
    const b = back.getWeights().map((w) => Array.from(w.dataSync()));
    expect(b).toEqual(a);
    m.dispose();
    back.dispose();
  });

  it('leaks nothing: a loaded model frees all its tensors on dispose', async () => {
    const m = tiny();
    await saveModelToPath(m, join(dir, 'leak'));
    m.dispose();
    await expectNoLeaks(async () => {
      const back = await loadModelFromPath(join(dir, 'leak'));
      back.dispose();
    });
  });

  it('throws IOError for a missing path', async () => {
    await expect(loadModelFromPath(join(dir, 'nope'))).rejects.toBeInstanceOf(IOError);
  });

  it('throws IOError for a model.json that is not JSON', async () => {
    await writeFile(join(dir, 'bad.json'), '{ not json');
    const e = await loadModelFromPath(join(dir, 'bad.json')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(IOError);
    expect((e as IOError).code).toBe('IO');
    expect((e as IOError).message).toMatch(/path: model.json/);
  });

  it('throws IOError for a truncated weight shard, naming the expected size', async () => {
    const m = tiny();
    await saveModelToPath(m, join(dir, 'trunc'));
    m.dispose();
    await truncate(join(dir, 'trunc', 'weights.bin'), 20);
    const e = await loadModelFromPath(join(dir, 'trunc')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(IOError);
    // 4*3 + 3 + 3*2 + 2 = 23 float32 weights
    expect((e as IOError).message).toMatch(/expected 92 bytes.*received 20 bytes/);
  });

  it('throws IOError for a missing weight shard', async () => {
    const m = tiny();
    await saveModelToPath(m, join(dir, 'noshard'));
    m.dispose();
    await rm(join(dir, 'noshard', 'weights.bin'));
    await expect(loadModelFromPath(join(dir, 'noshard'))).rejects.toThrow(
      /weight shard is missing/,
    );
  });

  it('detects a weights.bin that is not the one model.json was saved with (a torn save)', async () => {
    const a = tiny();
    const b = tiny(); // same shapes, other random weights
    await saveModelToPath(a, join(dir, 'mixA'));
    await saveModelToPath(b, join(dir, 'mixB'));
    a.dispose();
    b.dispose();
    await writeFile(
      join(dir, 'mixA', 'weights.bin'),
      await readFile(join(dir, 'mixB', 'weights.bin')),
    );
    await expect(loadModelFromPath(join(dir, 'mixA'))).rejects.toThrow(
      /weight shard does not match model\.json/,
    );
    // the save leaves only its two files (no temporary files)
    expect((await readdir(join(dir, 'mixB'))).sort()).toEqual(['model.json', 'weights.bin']);
  });

  it('refuses weight paths outside the model folder', async () => {
    const m = tiny();
    await saveModelToPath(m, join(dir, 'escape'));
    m.dispose();
    const json = JSON.parse(await readFile(join(dir, 'escape', 'model.json'), 'utf8'));
    for (const p of ['../rt/weights.bin', '/etc/passwd', '']) {
      json.weightsManifest[0].paths = [p];
      await writeFile(join(dir, 'escape', 'model.json'), JSON.stringify(json));
      const e = await loadModelFromPath(join(dir, 'escape')).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(IOError);
      expect((e as IOError).message).toMatch(/a weight path leaves the model folder/);
    }
  });

  it('rejects an empty path with ConfigError', () => {
    expect(() => fileHandler('')).toThrow(ConfigError);
  });
});

describe('loadModel', () => {
  it('rejects a source no tfjs handler understands', async () => {
    await expect(loadModel('nosuch://model')).rejects.toBeInstanceOf(ConfigError);
    await expect(loadModel(42 as unknown as string)).rejects.toBeInstanceOf(ConfigError);
  });

  it('wraps a failing handler in IOError', async () => {
    const failing = { load: async () => Promise.reject(new Error('disk on fire')) };
    await expect(loadModel(failing)).rejects.toBeInstanceOf(IOError);
  });

  it('removes declared input shapes from inner Sequential layers only', () => {
    const topo = {
      model_config: {
        class_name: 'Sequential',
        config: [
          { class_name: 'Conv2D', config: { batch_input_shape: [null, 28, 28, 1] } },
          { class_name: 'Conv2D', config: { batch_input_shape: [null, 28, 28, 1] } },
        ],
      },
    };
    stripInnerInputShapes(topo);
    expect(topo.model_config.config[0]!.config.batch_input_shape).toEqual([null, 28, 28, 1]);
    expect(topo.model_config.config[1]!.config.batch_input_shape).toBeUndefined();
  });

  it.skipIf(!doodle)(
    'loads DoodleNet (544,201 params) without the input-shape warning',
    async () => {
      const warn = vi.spyOn(console, 'warn');
      const m = await loadModelFromPath(doodle!);
      expect(warn).not.toHaveBeenCalled();
      warn.mockRestore();
      expect(m.countParams()).toBe(544201);
      expect(m.layers).toHaveLength(13);
      const y = tf.tidy(() => m.predict(tf.zeros([2, 28, 28, 1])) as tf.Tensor);
      expect(y.shape).toEqual([2, 345]);
      y.dispose();
      m.dispose();
    },
  );

  it.skipIf(!darknet)('loads Darknet-tiny (1,046,488 params, 52 layers)', async () => {
    const m = await loadModelFromPath(join(darknet!, 'model.json'));
    expect(m.countParams()).toBe(1046488);
    expect(m.layers).toHaveLength(52);
    expect(m.outputs[0]!.shape).toEqual([null, 1000]);
    m.dispose();
  });

  it('loads a model saved through a custom IOHandler (the browser-storage path)', async () => {
    const m = tiny();
    let saved: tf.io.ModelArtifacts | undefined;
    await m.save({
      save: async (a) => {
        saved = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      },
    });
    const back = await loadModel(tf.io.fromMemory(saved!));
    expect(back.getWeights()[2]!.shape).toEqual([3, 2]);
    expect(Array.from(back.getWeights()[0]!.dataSync())).toEqual(
      Array.from(m.getWeights()[0]!.dataSync()),
    );
    m.dispose();
    back.dispose();
  });
});
