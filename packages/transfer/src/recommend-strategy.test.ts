import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, ValueRangeError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { earlierLayer, recommendStrategy } from './recommend-strategy';

function doodleLike(): tfl.LayersModel {
  const layers = [
    tfl.layers.conv2d({
      filters: 2,
      kernelSize: 3,
      padding: 'same',
      inputShape: [8, 8, 1],
      name: 'c0',
    }),
    tfl.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', name: 'c1' }),
    tfl.layers.maxPooling2d({ poolSize: 2, name: 'p0' }),
    tfl.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', name: 'c2' }),
    tfl.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', name: 'c3' }),
    tfl.layers.maxPooling2d({ poolSize: 2, name: 'p1' }),
    tfl.layers.flatten({ name: 'flat' }),
    tfl.layers.dense({ units: 4, activation: 'relu', name: 'fc' }),
    tfl.layers.dense({ units: 3, name: 'cls' }),
  ];
  return tfl.sequential({ layers });
}

describe('recommendStrategy', () => {
  it('returns the four lecture cases', () => {
    const cases = [
      [50, 'similar', 'small-similar', 'linear-on-top-codes', true, 0],
      [50, 'different', 'small-different', 'linear-on-earlier-codes', true, 0],
      [1000, 'similar', 'large-similar', 'fine-tune-all', false, 0.1],
      [1000, 'different', 'large-different', 'fine-tune-or-scratch', false, 1],
    ] as const;
    for (const [targetSize, similarity, c, strategy, freezeBody, lr] of cases) {
      const plan = recommendStrategy({ targetSize, similarity });
      expect([plan.case, plan.strategy, plan.freezeBody, plan.baseLrMultiplier]).toEqual([
        c,
        strategy,
        freezeBody,
        lr,
      ]);
      expect(plan.reason).toMatch(new RegExp(`${targetSize} examples per class`));
    }
  });

  it('reads a numeric similarity against the threshold and the size against smallPerClass', () => {
    expect(recommendStrategy({ targetSize: 100, similarity: 0.7 }).case).toBe('small-similar');
    expect(recommendStrategy({ targetSize: 100, similarity: 0.3 }).case).toBe('small-different');
    expect(
      recommendStrategy({ targetSize: 100, similarity: 0.3, similarityThreshold: 0.2 }).case,
    ).toBe('small-similar');
    expect(recommendStrategy({ targetSize: 100, similarity: 0.9, smallPerClass: 50 }).case).toBe(
      'large-similar',
    );
    expect(recommendStrategy({ targetSize: 300, similarity: 'similar' }).case).toBe(
      'large-similar',
    );
  });

  it('names the layer to cut at when given the model', () => {
    const m = doodleLike();
    expect(recommendStrategy({ targetSize: 10, similarity: 'similar', model: m }).layerName).toBe(
      'fc',
    );
    // spatial layers c0 c1 p0 c2 c3 p1: two thirds of the way up is c2
    expect(earlierLayer(m)).toBe('c2');
    expect(recommendStrategy({ targetSize: 10, similarity: 'different', model: m }).layerName).toBe(
      'c2',
    );
  });

  it('throws typed errors naming the bad option', () => {
    expect(() => recommendStrategy({ targetSize: 0, similarity: 'similar' })).toThrow(
      ValueRangeError,
    );
    expect(() => recommendStrategy({ targetSize: 10, similarity: 1.5 })).toThrow(
      /options.similarity/,
    );
    expect(() => recommendStrategy({ targetSize: 10, similarity: 'same' as 'similar' })).toThrow(
      /options.similarity/,
    );
    expect(() =>
      recommendStrategy({ targetSize: 10, similarity: 'similar', smallPerClass: -1 }),
    ).toThrow(/options.smallPerClass/);
    expect(() => recommendStrategy(undefined as never)).toThrow(ConfigError);
  });

  it('leaks no tensors', async () => {
    const m = doodleLike();
    await expectNoLeaks(() => recommendStrategy({ targetSize: 5, similarity: 0.1, model: m }));
  });
});
