import { errorCode } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/kfold.json';
import { crossValidationSplits } from './cross-validation-splits';
import { Dataset } from './dataset';
import { type Fold, kFold } from './k-fold';
import { stratifiedKFold } from './stratified-k-fold';

/** The properties every k-fold must have: validations partition 0..n-1; train = complement; sorted. */
function expectPartition(folds: Fold[], n: number): void {
  const seen = new Int32Array(n);
  for (const { train, validation } of folds) {
    expect(train.length + validation.length).toBe(n);
    const v = Array.from(validation);
    const t = Array.from(train);
    expect(v).toEqual([...v].sort((a, b) => a - b));
    expect(t).toEqual([...t].sort((a, b) => a - b));
    const inV = new Set(v);
    for (const i of t) expect(inV.has(i)).toBe(false);
    for (const i of v) seen[i] = (seen[i] as number) + 1;
  }
  expect(Array.from(seen)).toEqual(new Array(n).fill(1));
}

const classCounts = (
  idx: Int32Array,
  y: readonly (number | string)[],
  classes: (number | string)[],
) => classes.map((c) => Array.from(idx).filter((i) => y[i] === c).length);
const firstSeen = (y: readonly (number | string)[]) => [...new Set(y)];

describe('kFold (scikit-learn KFold semantics)', () => {
  for (const c of fixture.kfold) {
    it(`n ${c.n}, k ${c.k}: scikit-learn's exact folds without shuffle`, () => {
      const folds = kFold(c.n, { k: c.k });
      expect(folds.map((f) => Array.from(f.validation))).toEqual(c.validation);
      expectPartition(folds, c.n);
    });
  }

  it('shuffled: scikit-learn sizes (first n % k folds one larger), a partition, seeded', () => {
    const a = kFold(23, { k: 5, shuffle: true, rng: 7 });
    expect(a.map((f) => f.validation.length)).toEqual([5, 5, 5, 4, 4]);
    expectPartition(a, 23);
    const b = kFold(23, { k: 5, shuffle: true, rng: 7 });
    expect(b.map((f) => Array.from(f.validation))).toEqual(a.map((f) => Array.from(f.validation)));
    const other = kFold(23, { k: 5, shuffle: true, rng: 8 });
    expect(other.map((f) => Array.from(f.validation))).not.toEqual(
      a.map((f) => Array.from(f.validation)),
    );
    // not the unshuffled blocks
    expect(Array.from(a[0]!.validation)).not.toEqual([0, 1, 2, 3, 4]);
  });

  it('rejects k < 2, k > n and non-integers, naming k or n', () => {
    expect(errorCode(() => kFold(10, { k: 1 }))).toBe('RANGE');
    expect(errorCode(() => kFold(3, { k: 4 }))).toBe('RANGE');
    expect(errorCode(() => kFold(10, { k: 2.5 }))).toBe('RANGE');
    expect(errorCode(() => kFold(0))).toBe('RANGE');
    try {
      kFold(3, { k: 4 });
    } catch (e) {
      expect((e as { argument: string }).argument).toBe('k');
      expect((e as Error).message).toContain('at most 3');
    }
  });
});

describe('stratifiedKFold (scikit-learn StratifiedKFold semantics)', () => {
  for (const c of fixture.stratified) {
    const y = c.y as (number | string)[];
    const classes = firstSeen(y);
    it(`${c.name}, k ${c.k}: exact indices unshuffled; shuffled keeps scikit-learn's per-fold class counts`, () => {
      const folds = stratifiedKFold(y, { k: c.k });
      expect(folds.map((f) => Array.from(f.validation))).toEqual(c.validation);
      for (const seed of [0, 1, 2]) {
        const s = stratifiedKFold(y, { k: c.k, shuffle: true, rng: seed });
        expectPartition(s, y.length);
        expect(s.map((f) => classCounts(f.validation, y, classes))).toEqual(c.shuffledCounts);
      }
    });
  }

  it('keeps every class within one example of its share in each fold, fold sizes within one', () => {
    const y = Array.from({ length: 1000 }, (_, i) =>
      (i * 7919) % 10 < 2 ? 'rare' : String(i % 3),
    );
    const classes = firstSeen(y);
    const folds = stratifiedKFold(y, { k: 7, shuffle: true, rng: 3 });
    expectPartition(folds, y.length);
    const sizes = folds.map((f) => f.validation.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    classes.forEach((c) => {
      const total = y.filter((v) => v === c).length;
      for (const f of folds) {
        const got = classCounts(f.validation, y, [c])[0] as number;
        expect(Math.abs(got - total / 7)).toBeLessThan(1);
      }
    });
  });

  it('shuffles within classes only with shuffle, seeded', () => {
    const y = Array.from({ length: 60 }, (_, i) => i % 3);
    const plain = stratifiedKFold(y, { k: 3 }).map((f) => Array.from(f.validation));
    const a = stratifiedKFold(y, { k: 3, shuffle: true, rng: 1 }).map((f) =>
      Array.from(f.validation),
    );
    const b = stratifiedKFold(y, { k: 3, shuffle: true, rng: 1 }).map((f) =>
      Array.from(f.validation),
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(plain);
  });

  it('rejects impossible requests with typed errors naming the argument', () => {
    expect(errorCode(() => stratifiedKFold([0, 0, 1, 1], { k: 3 }))).toBe('RANGE'); // every class < k
    expect(errorCode(() => stratifiedKFold([0, 1], { k: 3 }))).toBe('RANGE');
    expect(errorCode(() => stratifiedKFold([], { k: 2 }))).toBe('RANGE');
    expect(errorCode(() => stratifiedKFold([0, Number.NaN, 1], { k: 2 }))).toBe('CONFIG');
    expect(errorCode(() => stratifiedKFold(null as never))).toBe('CONFIG');
    expect(errorCode(() => stratifiedKFold([0, 0, 1, 1], { k: 0 }))).toBe('RANGE');
  });
});

describe('crossValidationSplits', () => {
  it('yields the k train / validation datasets of the folds, one at a time', () => {
    const y = Array.from({ length: 30 }, (_, i) => (i < 20 ? 0 : 1));
    const ds = new Dataset({ x: Float32Array.from({ length: 30 }, (_, i) => i), y, shape: [1] });
    const folds = stratifiedKFold(ds.y, { k: 5, shuffle: true, rng: 4 });
    let count = 0;
    for (const { fold, train, validation } of crossValidationSplits(ds, {
      k: 5,
      stratify: true,
      shuffle: true,
      rng: 4,
    })) {
      expect(Array.from(validation.x)).toEqual(Array.from(folds[fold]!.validation));
      expect(Array.from(train.x)).toEqual(Array.from(folds[fold]!.train));
      expect(validation.histogram()).toEqual([4, 2]);
      count++;
    }
    expect(count).toBe(5);
    const plain = [...crossValidationSplits(ds, { k: 3 })];
    expect(Array.from(plain[0]!.validation.x)).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });
});
