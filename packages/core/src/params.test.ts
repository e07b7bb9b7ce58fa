import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { isTrainkitError } from './errors';
import { matchesName, modelParams, namePattern, selectParams } from './params';

describe('modelParams', () => {
  it('lists trainable weights in model order under their layer names', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [4], units: 3, name: 'hidden' }),
        tfl.layers.batchNormalization({ name: 'bn' }),
        tfl.layers.dense({ units: 2, name: 'head' }),
      ],
    });
    const params = await expectNoLeaks(() => modelParams(model));
    expect(Object.keys(params)).toEqual([
      'hidden/kernel',
      'hidden/bias',
      'bn/gamma',
      'bn/beta',
      'head/kernel',
      'head/bias',
    ]);
    expect(params['hidden/kernel']).toBeInstanceOf(tf.Variable);
    expect(params['hidden/kernel']!.shape).toEqual([4, 3]);
    // Moving statistics are not trainable and not listed.
    expect(Object.keys(params).some((k) => k.includes('moving'))).toBe(false);
    model.dispose();
  });

  it('keeps colliding names apart', () => {
    const v = (name: string) => ({
      name,
      originalName: name,
      trainable: true,
      read: () => ({ name }) as never,
    });
    const params = modelParams({ trainableWeights: [v('d/kernel'), v('d/kernel')] });
    expect(Object.keys(params)).toEqual(['d/kernel', 'd/kernel#2']);
  });

  it('rejects non-models with a CONFIG error', () => {
    try {
      modelParams({} as never);
      expect.unreachable();
    } catch (e) {
      expect(isTrainkitError(e, 'CONFIG')).toBe(true);
      expect((e as Error).message).toMatch(/^model:/);
    }
  });
});

describe('selectParams', () => {
  it('selects by glob, layer prefix or regular expression', () => {
    const p = { 'conv1/kernel': 1, 'conv1/bias': 2, 'head/kernel': 3 };
    expect(selectParams(p, 'conv1')).toEqual({ 'conv1/kernel': 1, 'conv1/bias': 2 });
    expect(selectParams(p, ['*/kernel'])).toEqual({ 'conv1/kernel': 1, 'head/kernel': 3 });
    expect(selectParams(p, /bias/)).toEqual({ 'conv1/bias': 2 });
  });
});

describe('name patterns', () => {
  it('* stays within a segment, ** crosses segments, ? is one character', () => {
    expect(namePattern('conv*').test('conv2d_1')).toBe(true);
    expect(namePattern('conv*').test('conv2d_1/kernel')).toBe(false);
    expect(namePattern('conv*/**').test('conv2d_1/kernel')).toBe(true);
    expect(namePattern('head/*').test('head/dense/kernel')).toBe(false);
    expect(namePattern('head/**').test('head/dense/kernel')).toBe(true);
    expect(namePattern('dense_?/bias').test('dense_1/bias')).toBe(true);
    expect(namePattern('dense_?/bias').test('dense_12/bias')).toBe(false);
    expect(namePattern('a.b').test('axb')).toBe(false);
  });

  it('accepts /regular expressions/', () => {
    expect(namePattern('/conv\\d+_1/').test('xconv12_1/kernel')).toBe(true);
  });

  it('matchesName also matches a layer-name prefix', () => {
    expect(matchesName('conv*', 'conv2d_1/kernel')).toBe(true);
    expect(matchesName('conv2d_1', 'conv2d_1/bias')).toBe(true);
    expect(matchesName('dense*', 'conv2d_1/kernel')).toBe(false);
    expect(matchesName(/kernel$/, 'conv2d_1/kernel')).toBe(true);
    expect(matchesName('*/kernel', 'conv2d_1/kernel')).toBe(true);
    expect(matchesName('*/kernel', 'conv2d_1/bias')).toBe(false);
  });

  it('rejects empty patterns and invalid regular expressions with CONFIG errors', () => {
    for (const bad of ['', '/(/']) {
      try {
        namePattern(bad);
        expect.unreachable();
      } catch (e) {
        expect(isTrainkitError(e, 'CONFIG')).toBe(true);
      }
    }
  });
});
