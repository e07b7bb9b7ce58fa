import * as tf from '@tensorflow/tfjs-core';
import { fromJSON, isTrainkitError, Rng } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { augment } from './augment';
import type { Augmentation } from './augmentation';
import { cutout } from './cutout';
import { mixup, sampleBeta } from './mixup';
import { randomBrightness } from './random-brightness';
import { randomContrast } from './random-contrast';
import { randomCrop } from './random-crop';
import { randomFlip } from './random-flip';
import { randomRotation } from './random-rotation';
import { randomScale } from './random-scale';
import { randomTranslate } from './random-translate';
import { registerRegularizerKinds } from './registry';

type Img = number[][]; // one channel, [h][w]
const IMG: Img = [
  [1, 2, 3],
  [4, 5, 6],
  [7, 8, 9],
];
/** `n` copies of a one-channel image as an NHWC batch. */
function batchOf(img: Img, n: number): tf.Tensor4D {
  const h = img.length;
  const w = img[0]!.length;
  return tf.tensor4d(Array.from({ length: n }, () => img.flat()).flat(), [n, h, w, 1]);
}
function images(t: tf.Tensor4D): Img[] {
  return (t.arraySync() as number[][][][]).map((im) => im.map((row) => row.map((px) => px[0]!)));
}
/** Hand reference: the image moved by (dy, dx) pixels, zeros where nothing came in. */
function shifted(img: Img, dy: number, dx: number): Img {
  return img.map((row, r) => row.map((_, c) => img[r - dy]?.[c - dx] ?? 0));
}

describe('randomFlip', () => {
  it('returns each image either unchanged or exactly mirrored, about p of them mirrored', () => {
    const x = batchOf(IMG, 200);
    const out = images(randomFlip({ rng: 4 })(x));
    const mirrored = IMG.map((r) => [...r].reverse());
    let flips = 0;
    for (const im of out) {
      if (JSON.stringify(im) === JSON.stringify(mirrored)) flips++;
      else expect(im).toEqual(IMG);
    }
    // Binomial(200, 0.5): sd ~ 7; allow 5 sd.
    expect(Math.abs(flips - 100)).toBeLessThan(36);
    const vertical = images(randomFlip({ direction: 'vertical', p: 1 })(x));
    expect(vertical[0]).toEqual([...IMG].reverse());
    expect(images(randomFlip({ p: 0 })(x))[0]).toEqual(IMG);
    x.dispose();
  });
});

describe('randomCrop', () => {
  it('equals the image shifted by an integer (dy, dx) in [-padding, padding], zero-filled', () => {
    const x = batchOf(IMG, 60);
    const out = images(randomCrop({ padding: 1, rng: 9 })(x));
    const seen = new Set<string>();
    for (const im of out) {
      let match: string | undefined;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++)
          if (JSON.stringify(im) === JSON.stringify(shifted(IMG, dy, dx))) match = `${dy},${dx}`;
      expect(match, JSON.stringify(im)).toBeDefined();
      seen.add(match!);
    }
    expect(seen.size).toBeGreaterThanOrEqual(7); // 9 possible shifts over 60 draws
    x.dispose();
  });
});

describe('geometric augmentations', () => {
  it('randomRotation by exactly 90 degrees turns the image counter-clockwise', () => {
    const x = batchOf(IMG, 2);
    const out = images(
      randomRotation({ minDegrees: 90, maxDegrees: 90, interpolation: 'nearest' })(x),
    );
    // np.rot90(IMG): out[r][c] = IMG[c][2 - r]
    expect(out[0]).toEqual([
      [3, 6, 9],
      [2, 5, 8],
      [1, 4, 7],
    ]);
    x.dispose();
  });

  it('randomScale: s = 1 is the identity; s = 2 (nearest) enlarges the centre', () => {
    const img = [0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((c) => 10 * r + c));
    const x = batchOf(img, 1);
    expect(images(randomScale({ minScale: 1, maxScale: 1 })(x))[0]).toEqual(img);
    // Output o samples 1.5 + (o - 1.5) / 2 = 0.75, 1.25, 1.75, 2.25 -> rows/cols 1, 1, 2, 2.
    const m = [1, 1, 2, 2];
    const want = m.map((r) => m.map((c) => 10 * r + c));
    expect(
      images(randomScale({ minScale: 2, maxScale: 2, interpolation: 'nearest' })(x))[0],
    ).toEqual(want);
    x.dispose();
  });

  it('randomTranslate with zero factors is the identity; shifts stay within the factor', () => {
    const x = batchOf(IMG, 3);
    expect(images(randomTranslate({ heightFactor: 0 })(x))).toEqual([IMG, IMG, IMG]);
    // A one-hot 1x9 row moved by < 1/9 * 9 = 1 pixel (bilinear) keeps its mass within 1 pixel.
    const row = [[0, 0, 0, 0, 1, 0, 0, 0, 0]];
    const y = batchOf(row, 20);
    for (const im of images(randomTranslate({ heightFactor: 0, widthFactor: 1 / 9, rng: 2 })(y))) {
      const r = im[0]!;
      const sum = r.reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 5);
      expect(r[2]! + r[6]! + r[0]! + r[8]!).toBeCloseTo(0, 6);
    }
    tf.dispose([x, y]);
  });
});

describe('photometric augmentations and cutout', () => {
  it('randomBrightness adds one offset in [-d, d] per image', () => {
    const x = tf.tidy(
      () => tf.mul(tf.randomUniform([5, 3, 3, 2], 0, 1, 'float32', 1), 1) as tf.Tensor4D,
    );
    const y = randomBrightness({ maxDelta: 0.2, rng: 5 })(x);
    const d = tf.tidy(() => tf.sub(y, x).arraySync() as number[][][][]);
    for (const im of d) {
      const vals = im.flat(2);
      for (const v of vals) expect(v).toBeCloseTo(vals[0]!, 5);
      expect(Math.abs(vals[0]!)).toBeLessThanOrEqual(0.2);
    }
    tf.dispose([x, y]);
  });

  it('randomContrast keeps each channel mean and scales deviations by one f in [lower, upper]', () => {
    const x = tf.randomUniform([4, 3, 3, 2], 0, 1, 'float32', 2) as tf.Tensor4D;
    const y = randomContrast({ lower: 0.5, upper: 1.5, rng: 1 })(x);
    const xa = x.arraySync();
    const ya = y.arraySync();
    for (let n = 0; n < 4; n++) {
      let f: number | undefined;
      for (let ch = 0; ch < 2; ch++) {
        const xs = xa[n]!.flat().map((p) => p[ch]!);
        const ys = ya[n]!.flat().map((p) => p[ch]!);
        const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
        expect(mean(ys)).toBeCloseTo(mean(xs), 5);
        const ratio = (ys[0]! - mean(xs)) / (xs[0]! - mean(xs));
        f ??= ratio;
        expect(ratio).toBeCloseTo(f, 3);
        for (let i = 1; i < xs.length; i++)
          expect(ys[i]! - mean(xs)).toBeCloseTo(f * (xs[i]! - mean(xs)), 4);
      }
      expect(f!).toBeGreaterThanOrEqual(0.5);
      expect(f!).toBeLessThanOrEqual(1.5);
    }
    tf.dispose([x, y]);
  });

  it('cutout fills one clipped size x size square per image, p = 0 leaves it alone', () => {
    const ones = Array.from({ length: 8 }, () => Array(8).fill(1) as number[]);
    const x = batchOf(ones, 30);
    for (const im of images(cutout({ size: 3, rng: 7 })(x))) {
      const zr = im.map((r) => r.some((v) => v === 0));
      const rowsIdx = zr.flatMap((z, i) => (z ? [i] : []));
      const colsIdx = [0, 1, 2, 3, 4, 5, 6, 7].filter((c) => im.some((r) => r[c] === 0));
      // A rectangle of 2..3 rows x 2..3 columns (the centre pixel is always inside).
      expect(rowsIdx.length).toBeGreaterThanOrEqual(2);
      expect(rowsIdx.length).toBeLessThanOrEqual(3);
      expect(colsIdx.length).toBeGreaterThanOrEqual(2);
      expect(colsIdx.length).toBeLessThanOrEqual(3);
      const zeros = im.flat().filter((v) => v === 0).length;
      expect(zeros).toBe(rowsIdx.length * colsIdx.length);
    }
    expect(images(cutout({ size: 3, p: 0 })(x))[0]).toEqual(ones);
    x.dispose();
  });
});

describe('mixup', () => {
  it("x' = lambda x + (1 - lambda) x[pi], the same lambda and pi for y", () => {
    const x = tf.eye(6);
    const y = tf.eye(6);
    const { x: xm, y: ym, lambda } = mixup({ alpha: 0.4, rng: 3 })(x, y);
    expect(lambda).toBeGreaterThan(0);
    expect(lambda).toBeLessThan(1);
    const a = xm.arraySync() as number[][];
    expect(ym.arraySync()).toEqual(a);
    const partners = new Set<number>();
    a.forEach((row, i) => {
      expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
      const j = row.findIndex((v, k) => k !== i && v > 1e-6);
      if (j === -1)
        expect(row[i]).toBeCloseTo(1, 5); // paired with itself
      else {
        expect(row[i]).toBeCloseTo(lambda, 5);
        expect(row[j]).toBeCloseTo(1 - lambda, 5);
        partners.add(j);
      }
    });
    tf.dispose([x, y, xm, ym]);
  });

  it('draws lambda from Beta(alpha, alpha): mean 1/2, variance 1 / (4 (2 alpha + 1))', () => {
    const rng = new Rng(11);
    const a = 0.4;
    const n = 4000;
    const draws = Array.from({ length: n }, () => sampleBeta(rng, a, a));
    const mean = draws.reduce((s, v) => s + v, 0) / n;
    const variance = draws.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
    const v = 1 / (4 * (2 * a + 1)); // 0.1389
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(v / n));
    expect(Math.abs(variance - v)).toBeLessThan(0.012);
    // Beta(2, 5): mean 2/7.
    const b = Array.from({ length: n }, () => sampleBeta(rng, 2, 5));
    expect(b.reduce((s, x) => s + x, 0) / n).toBeCloseTo(2 / 7, 1);
  });
});

describe('augment pipelines', () => {
  const make = () =>
    augment([
      randomCrop({ padding: 1, rng: 1 }),
      randomFlip({ rng: 2 }),
      randomRotation({ maxDegrees: 10, rng: 3 }),
      randomScale({ minScale: 0.9, maxScale: 1.1, rng: 4 }),
      randomTranslate({ heightFactor: 0.1, rng: 5 }),
      randomBrightness({ maxDelta: 0.1, rng: 6 }),
      randomContrast({ lower: 0.9, upper: 1.1, rng: 7 }),
      cutout({ size: 2, rng: 8 }),
    ]);

  it('applies steps in order and is reproducible from the seeds', () => {
    const x = batchOf(IMG, 4);
    const both = augment([randomFlip({ p: 1 }), randomBrightness({ maxDelta: 0 })]);
    expect(images(both(x))[0]).toEqual(IMG.map((r) => [...r].reverse()));
    const [a, b] = [make(), make()];
    const ya = [a(x), a(x)];
    const yb = [b(x), b(x)];
    expect(ya[0]!.arraySync()).toEqual(yb[0]!.arraySync());
    expect(ya[1]!.arraySync()).toEqual(yb[1]!.arraySync());
    expect(ya[1]!.arraySync()).not.toEqual(ya[0]!.arraySync()); // a new draw per batch
    tf.dispose([x, ...ya, ...yb]);
  });

  it('round-trips through JSON: the rebuilt pipeline replays the same batches', () => {
    registerRegularizerKinds();
    const x = batchOf(IMG, 3);
    const a = make();
    const again = fromJSON<Augmentation>(JSON.parse(JSON.stringify(a.toJSON())));
    expect(again.toJSON()).toEqual(a.toJSON());
    const [ya, yb] = [a(x), again(x)];
    expect(yb.arraySync()).toEqual(ya.arraySync());
    const m = mixup({ alpha: 1, rng: 2 });
    expect(fromJSON<typeof m>(m.toJSON()).toJSON()).toEqual(m.toJSON());
    tf.dispose([x, ya, yb]);
  });

  it('rejects bad images and options with typed errors naming the argument', () => {
    const x3 = tf.ones([3, 3, 1]);
    const xi = tf.ones([1, 3, 3, 1], 'int32');
    const cases: Array<[() => unknown, string, string]> = [
      [() => randomFlip()(x3 as tf.Tensor4D), 'SHAPE', 'images'],
      [() => randomFlip()(xi as tf.Tensor4D), 'DTYPE', 'images'],
      [() => randomFlip({ p: 1.5 }), 'RANGE', 'p'],
      [() => randomFlip({ direction: 'diagonal' as 'vertical' }), 'CONFIG', 'direction'],
      [() => randomCrop({ padding: -1 }), 'RANGE', 'padding'],
      [() => randomCrop({ padding: 1, rng: -3 }), 'RANGE', 'seed'],
      [
        () => randomRotation({ maxDegrees: 10, fillMode: 'mirror' as 'wrap' }),
        'CONFIG',
        'fillMode',
      ],
      [() => randomScale({ minScale: 0, maxScale: 1 }), 'RANGE', 'minScale'],
      [() => randomScale({ minScale: 1.2, maxScale: 1.1 }), 'RANGE', 'maxScale'],
      [() => randomTranslate({ heightFactor: 2 }), 'RANGE', 'heightFactor'],
      [() => randomBrightness({ maxDelta: Number.NaN }), 'NAN', 'maxDelta'],
      [() => randomContrast({ lower: 1, upper: 0.5 }), 'RANGE', 'upper'],
      [() => cutout({ size: 0 }), 'RANGE', 'size'],
      [() => mixup({ alpha: 0 }), 'RANGE', 'alpha'],
      [() => mixup()(tf.ones([2, 2]), tf.ones([3, 2])), 'SHAPE', 'y'],
      [() => augment([1 as unknown as Augmentation]), 'CONFIG', 'steps'],
    ];
    for (const [f, code, arg] of cases) {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(isTrainkitError(err, code as 'RANGE'), `${arg}: ${String(err)}`).toBe(true);
      expect((err as Error).message).toContain(arg);
    }
    tf.dispose([x3, xi]);
  });

  it('leaks no tensors', async () => {
    const x = batchOf(IMG, 4);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3);
    const a = make();
    await expectNoLeaks(() => a(x).dispose(), 'augment');
    for (const step of (a.toJSON().steps as unknown[]).map((s) => fromJSON<Augmentation>(s)))
      await expectNoLeaks(() => step(x).dispose(), step.kind);
    const m = mixup({ rng: 1 });
    await expectNoLeaks(() => {
      const r = m(x, y);
      tf.dispose([r.x, r.y]);
    }, 'mixup');
    tf.dispose([x, y]);
  });
});
