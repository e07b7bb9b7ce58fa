import { describe, expect, it } from 'vitest';
import { Dataset } from './dataset';
import { splitDataset } from './split';

// 100 examples; class 0: 80 examples, class 1: 20. Example i holds the single value i.
function imbalanced(): Dataset {
  const y = Array.from({ length: 100 }, (_, i) => (i % 5 === 4 ? 1 : 0));
  return new Dataset({ x: Float32Array.from({ length: 100 }, (_, i) => i), y, shape: [1] });
}

describe('splitDataset', () => {
  it('partitions the examples: sizes round(f * n), disjoint, complete, order kept', () => {
    const { train, validation, test } = splitDataset(imbalanced(), {
      validation: 0.1,
      test: 0.25,
      rng: 1,
    });
    expect([train.size, validation.size, test.size]).toEqual([65, 10, 25]);
    const all = [...train.x, ...validation.x, ...test.x].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
    for (const part of [train, validation, test]) {
      const v = Array.from(part.x);
      expect(v).toEqual([...v].sort((a, b) => a - b));
      expect(Array.from(part.y)).toEqual(v.map((xi) => (xi % 5 === 4 ? 1 : 0)));
    }
  });

  it('stratified: each class keeps its share in every part', () => {
    const { train, validation, test } = splitDataset(imbalanced(), {
      validation: 0.1,
      test: 0.2,
      stratify: true,
      rng: 2,
    });
    // class 0: 80 -> 8 val, 16 test, 56 train; class 1: 20 -> 2, 4, 14
    expect(validation.histogram()).toEqual([8, 2]);
    expect(test.histogram()).toEqual([16, 4]);
    expect(train.histogram()).toEqual([56, 14]);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = splitDataset(imbalanced(), { validation: 0.2, rng: 5 }).validation.x;
    const b = splitDataset(imbalanced(), { validation: 0.2, rng: 5 }).validation.x;
    const c = splitDataset(imbalanced(), { validation: 0.2, rng: 6 }).validation.x;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('with no fractions returns everything as train', () => {
    const s = splitDataset(imbalanced());
    expect([s.train.size, s.validation.size, s.test.size]).toEqual([100, 0, 0]);
  });

  it('rejects fractions outside [0, 1) or summing to >= 1', () => {
    expect(() => splitDataset(imbalanced(), { validation: -0.1 })).toThrow(
      /validation: out of range/,
    );
    expect(() => splitDataset(imbalanced(), { test: 1 })).toThrow(/test: out of range/);
    expect(() => splitDataset(imbalanced(), { validation: 0.5, test: 0.5 })).toThrow(
      /validation \+ test: validation \+ test must leave some training data; expected a sum < 1; received 1/,
    );
  });
});
