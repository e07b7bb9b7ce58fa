import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, ValueRangeError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { cutAt } from './cut-at';
import { listLayers } from './list-layers';
import { replaceHead } from './replace-head';

/** A Sequential 2 -> 3 (relu) -> 2 net with hand-set weights. */
function handSequential(): tfl.LayersModel {
  const m = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 3, inputShape: [2], activation: 'relu', name: 'hidden' }),
      tfl.layers.dense({ units: 2, name: 'out' }),
    ],
  });
  m.setWeights([
    tf.tensor2d([
      [1, -1, 2],
      [0.5, 1, -3],
    ]),
    tf.tensor1d([0, 0.5, 1]),
    tf.tensor2d([
      [1, 0],
      [0, 1],
      [1, 1],
    ]),
    tf.tensor1d([0, 0]),
  ]);
  return m;
}

function functional(): tfl.LayersModel {
  const input = tfl.input({ shape: [6, 6, 1] });
  const c = tfl.layers.conv2d({ filters: 2, kernelSize: 3, name: 'c1' }).apply(input);
  const p = tfl.layers.maxPooling2d({ poolSize: 2, name: 'p1' }).apply(c);
  const f = tfl.layers.flatten({ name: 'f' }).apply(p);
  const o = tfl.layers.dense({ units: 3, name: 'logits' }).apply(f) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: o });
}

describe('cutAt', () => {
  it('cuts a Sequential model by name and by index to the same hand-computed codes', () => {
    const m = handSequential();
    // x = [1, 2]: x W + b = [1+1, -1+2+0.5, 2-6+1] = [2, 1.5, -3] -> relu [2, 1.5, 0]
    const x = tf.tensor2d([[1, 2]]);
    for (const layer of ['hidden', 0, -2] as const) {
      const y = cutAt(m, layer).predict(x) as tf.Tensor;
      expect(Array.from(y.dataSync())).toEqual([2, 1.5, 0]);
      y.dispose();
    }
    x.dispose();
  });

  it('cuts a functional model at any depth with the right output shape', () => {
    const m = functional();
    expect(cutAt(m, 'c1').outputs[0]!.shape).toEqual([null, 4, 4, 2]);
    expect(cutAt(m, 'p1').outputs[0]!.shape).toEqual([null, 2, 2, 2]);
    expect(cutAt(m, -2).outputs[0]!.shape).toEqual([null, 8]);
  });

  it('shares weights with the source model', () => {
    const m = handSequential();
    const cut = cutAt(m, 'hidden');
    expect(cut.layers[cut.layers.length - 1]).toBe(m.getLayer('hidden'));
  });

  it('throws ConfigError for an unknown name, an out-of-range index, or a non-model', () => {
    const m = handSequential();
    expect(() => cutAt(m, 'nope')).toThrow(
      /layer: no layer with this name; expected one of hidden, out/,
    );
    expect(() => cutAt(m, 2)).toThrow(ConfigError);
    expect(() => cutAt(m, -3)).toThrow(ConfigError);
    expect(() => cutAt(m, 0.5)).toThrow(ConfigError);
    expect(() => cutAt({} as tfl.LayersModel, 0)).toThrow(ConfigError);
  });

  it('leaks no tensors', async () => {
    const m = handSequential();
    await expectNoLeaks(() => {
      cutAt(m, 'hidden');
    });
  });

  /** Dense layer with hand-set weights: x W + b, linear. */
  const dense = (name: string, w: number[][], b: number[], inputShape?: number[]) => {
    const l = tfl.layers.dense({
      units: b.length,
      name,
      ...(inputShape ? { inputShape } : {}),
      weights: [tf.tensor2d(w), tf.tensor1d(b)],
    });
    return l;
  };

  it('cuts inside a nested Sequential used as a layer of a Sequential (path or unique name)', () => {
    // body: 2 -> d1 (x [[1,0,2],[0,1,-1]] + [0,1,0]) -> d2; outer: body -> head
    const body = tfl.sequential({
      name: 'body',
      layers: [
        dense(
          'd1',
          [
            [1, 0, 2],
            [0, 1, -1],
          ],
          [0, 1, 0],
          [2],
        ),
        dense('d2', [[1], [1], [1]], [0]),
      ],
    });
    const outer = tfl.sequential({ layers: [body, dense('head', [[2, 3]], [0, 0])] });
    // x = [3, 4]: d1 = [3, 4 + 1, 6 - 4] = [3, 5, 2]; d2 = 10; head = [20, 30]
    const x = tf.tensor2d([[3, 4]]);
    for (const layer of ['body/d1', 'd1']) {
      const cut = cutAt(outer, layer);
      expect(cut.outputs[0]!.shape).toEqual([null, 3]);
      const y = cut.predict(x) as tf.Tensor;
      expect(Array.from(y.dataSync())).toEqual([3, 5, 2]);
      y.dispose();
    }
    const y2 = cutAt(outer, 'body/d2').predict(x) as tf.Tensor;
    expect(Array.from(y2.dataSync())).toEqual([10]);
    const yTop = cutAt(outer, 'body').predict(x) as tf.Tensor;
    expect(Array.from(yTop.dataSync())).toEqual([10]);
    // shares weights: the cut's d1 is the nested model's d1
    expect(cutAt(outer, 'body/d1').layers.some((l) => l === body.getLayer('d1'))).toBe(true);
    tf.dispose([x, y2, yTop]);
  });

  it('cuts inside a nested model fed by an intermediate tensor of a functional model, two levels deep', () => {
    // outer: input(2) -> pre -> mid (model: m1 -> inner (model: i1 -> i2)) -> out
    const inner = tfl.sequential({
      name: 'inner',
      layers: [
        dense(
          'i1',
          [
            [1, -1],
            [2, 0],
          ],
          [0.5, 0],
          [2],
        ),
        dense('i2', [[1], [1]], [0]),
      ],
    });
    const midIn = tfl.input({ shape: [2] });
    const m1 = dense(
      'm1',
      [
        [0, 1],
        [1, 0],
      ],
      [0, 0],
    ).apply(midIn) as tfl.SymbolicTensor;
    const mid = tfl.model({
      name: 'mid',
      inputs: midIn,
      outputs: inner.apply(m1) as tfl.SymbolicTensor,
    });
    const input = tfl.input({ shape: [2] });
    const pre = dense(
      'pre',
      [
        [2, 0],
        [0, 3],
      ],
      [1, 1],
    ).apply(input) as tfl.SymbolicTensor;
    const out = dense('out', [[1]], [0]).apply(mid.apply(pre) as tfl.SymbolicTensor);
    const model = tfl.model({ inputs: input, outputs: out as tfl.SymbolicTensor });
    // x = [1, 2]: pre = [3, 7]; m1 = swap = [7, 3]; i1 = [7 + 6 + 0.5, -7] = [13.5, -7]; i2 = 6.5
    const x = tf.tensor2d([[1, 2]]);
    const got = (layer: string) => {
      const y = cutAt(model, layer).predict(x) as tf.Tensor;
      const v = Array.from(y.dataSync());
      y.dispose();
      return v;
    };
    expect(got('pre')).toEqual([3, 7]);
    expect(got('mid/m1')).toEqual([7, 3]);
    expect(got('mid/inner/i1')).toEqual([13.5, -7]);
    expect(got('i1')).toEqual([13.5, -7]);
    expect(got('mid/inner/i2')).toEqual([6.5]);
    expect(got('mid')).toEqual([6.5]);
    // the source model still computes the same after the cuts added nodes to shared layers
    const full = model.predict(x) as tf.Tensor;
    expect(Array.from(full.dataSync())).toEqual([6.5]);
    // and can still be cut at a top-level layer
    expect(got('out')).toEqual([6.5]);
    tf.dispose([x, full]);
  });

  it('names the choices for an ambiguous nested name and a bad path', () => {
    const a = tfl.sequential({ name: 'a', layers: [dense('same', [[1]], [0], [1])] });
    const b = tfl.sequential({ name: 'b', layers: [dense('same', [[1]], [0], [1])] });
    const outer = tfl.sequential({ layers: [a, b] });
    expect(() => cutAt(outer, 'same')).toThrow(/ambiguous.*a\/same, b\/same/);
    expect(() => cutAt(outer, 'a/nope')).toThrow(/no layer with this name on the path/);
    expect(() => cutAt(outer, 'a/same/x')).toThrow(/not a nested model/);
    expect(
      Array.from((cutAt(outer, 'b/same').predict(tf.ones([1, 1])) as tf.Tensor).dataSync()),
    ).toEqual([1]);
  });
});

describe('replaceHead', () => {
  it('swaps the classifier for a new numClasses head, keeping the body', () => {
    const m = functional();
    const net = replaceHead(m, 5, { hidden: [4], dropout: 0.25 });
    expect(net.outputs[0]!.shape).toEqual([null, 5]);
    const names = net.layers.map((l) => l.name);
    expect(names).toContain('c1');
    expect(names).not.toContain('logits');
    expect(names.filter((n) => n.startsWith('head_'))).toEqual([
      'head_dropout_0',
      'head_dense_0',
      'head_dropout_1',
      'head_dense_1',
    ]);
    expect(net.getLayer('head_dense_0').getConfig().activation).toBe('relu');
    expect(net.getLayer('head_dense_1').getConfig().activation).toBe('linear');
    expect(net.getLayer('c1')).toBe(m.getLayer('c1'));
  });

  it('flattens a spatial cut point', () => {
    const net = replaceHead(functional(), 2, { cutAt: 'p1', name: 'new' });
    expect(net.getLayer('new_flatten').outputShape).toEqual([null, 8]);
    expect(net.outputs[0]!.shape).toEqual([null, 2]);
  });

  it('average-pools a spatial cut point with pool: avg (mean over the map, per channel)', async () => {
    const m = functional();
    const net = replaceHead(m, 2, { cutAt: 'p1', name: 'gap', pool: 'avg' });
    const p1 = m.getLayer('p1').outputShape as number[];
    expect(net.getLayer('gap_pool').outputShape).toEqual([null, p1[3]]);
    // the pooled codes equal the mean of p1's map, computed independently
    const x = tf.randomUniform(
      [2, ...(m.inputs[0]!.shape.slice(1) as number[])],
      0,
      1,
      'float32',
      3,
    );
    const map = cutAt(m, 'p1').predict(x) as tf.Tensor;
    const pooled = cutAt(net, 'gap_pool').predict(x) as tf.Tensor;
    const mean = tf.mean(map, [1, 2]);
    expect(Array.from(await pooled.data())).toEqual(
      Array.from(await mean.data()).map((v) => expect.closeTo(v, 6) as unknown as number),
    );
    tf.dispose([x, map, pooled, mean]);
    expect(() => replaceHead(m, 2, { pool: 'max' as never })).toThrow(/options\.pool/);
  });

  it('validates its arguments', () => {
    const m = functional();
    expect(() => replaceHead(m, 0)).toThrow(ValueRangeError);
    expect(() => replaceHead(m, 3, { dropout: 1 })).toThrow(/options.dropout/);
    expect(() => replaceHead(m, 3, { hidden: [0] })).toThrow(/options.hidden\[0\]/);
    expect(() => replaceHead(m, 3, { hidden: 4 as unknown as number[] })).toThrow(ConfigError);
    expect(() => replaceHead(m, 3, { cutAt: 'zz' })).toThrow(/options.cutAt/);
    expect(() => replaceHead(null as unknown as tfl.LayersModel, 3)).toThrow(ConfigError);
  });

  it('leaks nothing beyond the new head weights', async () => {
    const m = functional();
    const before = tf.memory().numTensors;
    const net = replaceHead(m, 5);
    // the new dense layer: kernel [8, 5] + bias [5]
    expect(tf.memory().numTensors - before).toBe(2);
    net.getLayer('head_dense_0').dispose();
    await expectNoLeaks(() => undefined);
  });
});

describe('listLayers', () => {
  it('lists name, class, shape, parameter count and trainability', () => {
    const rows = listLayers(functional());
    expect(rows.map((r) => [r.name, r.className, r.outputShape, r.params])).toEqual([
      [rows[0]!.name, 'InputLayer', [null, 6, 6, 1], 0],
      ['c1', 'Conv2D', [null, 4, 4, 2], 3 * 3 * 2 + 2],
      ['p1', 'MaxPooling2D', [null, 2, 2, 2], 0],
      ['f', 'Flatten', [null, 8], 0],
      ['logits', 'Dense', [null, 3], 8 * 3 + 3],
    ]);
    expect(rows[1]!.trainable).toBe(true);
  });

  it('leaks no tensors', async () => {
    const m = functional();
    await expectNoLeaks(() => listLayers(m));
  });
});
