import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { centerBox, roundHalfEven, shorterSideSize } from './image-recipe';
import { randomResizedCrop, sampleResizedCropBox } from './random-resized-crop';
import { resizeCenterCrop } from './resize-center-crop';
import { resizeImage } from './resize-image';
import { tenCrop } from './ten-crop';

// Made by scripts/make_image_fixtures.py with torchvision 0.14.1.
const ref = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/images/reference.json'), 'utf8'),
) as {
  geometry: {
    width: number;
    height: number;
    resize: number;
    crop: number;
    resized: [number, number];
    center: { top: number; left: number };
    tenCrop: { top: number; left: number; flip: boolean }[];
  }[];
  randomResizedCropFallback: {
    width: number;
    height: number;
    box: { top: number; left: number; width: number; height: number };
  }[];
  randomResizedCropStats: {
    width: number;
    height: number;
    meanArea: number;
    stdArea: number;
    meanLogAspect: number;
  };
};

describe('image recipes against torchvision', () => {
  it('resizes the shorter side and centre-crops where torchvision Resize + CenterCrop do', () => {
    for (const g of ref.geometry) {
      expect(shorterSideSize(g.width, g.height, g.resize)).toEqual(g.resized);
      const [h, w] = g.resized;
      const box = centerBox(w, h, [g.crop, g.crop]);
      expect({ top: box.top, left: box.left }).toEqual(g.center);
      const [op] = resizeCenterCrop({ resize: g.resize, crop: g.crop }).plan(
        g.width,
        g.height,
        new Rng(0),
      );
      expect(op).toEqual({ resize: g.resized, cropAfter: box, flip: false });
    }
  });

  it('takes the ten crops of torchvision TenCrop, in its order', () => {
    for (const g of ref.geometry) {
      const ops = tenCrop({ resize: g.resize, crop: g.crop }).plan(g.width, g.height, new Rng(0));
      expect(
        ops.map((o) => ({ top: o.cropAfter!.top, left: o.cropAfter!.left, flip: o.flip })),
      ).toEqual(g.tenCrop);
      for (const o of ops) expect(o.resize).toEqual(g.resized);
    }
    expect(tenCrop({ flips: false }).views).toBe(5);
  });

  it('falls back to the centre crop at the nearest ratio as torchvision get_params does', () => {
    for (const f of ref.randomResizedCropFallback) {
      // an area scale above 1 never fits, so all ten tries fail
      const box = sampleResizedCropBox(f.width, f.height, [1.5, 2], [3 / 4, 4 / 3], new Rng(1));
      expect(box).toEqual(f.box);
    }
  });

  it('draws crops with the area and aspect distribution of torchvision RandomResizedCrop', () => {
    const s = ref.randomResizedCropStats;
    const rng = new Rng(3);
    const n = 20000;
    let area = 0;
    let logAspect = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const b = sampleResizedCropBox(s.width, s.height, [0.08, 1], [3 / 4, 4 / 3], rng);
      if (b.left < 0 || b.top < 0 || b.left + b.width > s.width || b.top + b.height > s.height)
        outside++;
      area += (b.width * b.height) / (s.width * s.height);
      logAspect += Math.log(b.width / b.height);
    }
    expect(outside).toBe(0);
    // two independent samples of 20,000: the means differ by ~0.002 (one standard error)
    expect(Math.abs(area / n - s.meanArea)).toBeLessThan(0.01);
    expect(Math.abs(logAspect / n - s.meanLogAspect)).toBeLessThan(0.01);
  });

  it('flips with the asked probability and is reproducible by seed', () => {
    const recipe = randomResizedCrop({ size: 8 });
    const rng = new Rng(5);
    let flips = 0;
    for (let i = 0; i < 4000; i++) if (recipe.plan(50, 40, rng)[0]!.flip) flips++;
    expect(flips / 4000).toBeGreaterThan(0.46);
    expect(flips / 4000).toBeLessThan(0.54);
    expect(recipe.plan(50, 40, new Rng(9))).toEqual(recipe.plan(50, 40, new Rng(9)));
    expect(randomResizedCrop({ flipProbability: 0 }).plan(50, 40, rng)[0]!.flip).toBe(false);
    expect(resizeImage({ size: 4 }).plan(9, 9, rng)).toEqual([{ resize: [4, 4], flip: false }]);
  });

  it('rounds half to even as Python does', () => {
    expect([0.5, 1.5, 2.5, 10.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 10, 2, 3]);
  });

  it('refuses bad sizes, ranges and crops larger than the image', () => {
    expect(() => resizeImage({ size: 0 })).toThrow(/size: /);
    expect(() => resizeImage({ size: [3] as never })).toThrow(/size: size must be/);
    expect(() => randomResizedCrop({ scale: [0.5, 0.1] })).toThrow(/scale\[1\]/);
    expect(() => randomResizedCrop({ flipProbability: 2 })).toThrow(/flipProbability/);
    expect(() => resizeCenterCrop({ resize: 100, crop: 224 }).plan(300, 200, new Rng(0))).toThrow(
      /crop: crop larger than the resized image/,
    );
    expect(() => resizeImage({ size: 4, interpolation: 'area' as never })).toThrow(/interpolation/);
  });

  it('serializes every recipe with kind and version', () => {
    expect(tenCrop().toJSON()).toEqual({
      kind: 'data.tenCrop',
      version: 1,
      resize: 256,
      crop: [224, 224],
      flips: true,
      interpolation: 'bilinear',
    });
    expect(randomResizedCrop().toJSON()).toMatchObject({
      kind: 'data.randomResizedCrop',
      scale: [0.08, 1],
    });
    expect(resizeCenterCrop().toJSON()).toMatchObject({
      kind: 'data.resizeCenterCrop',
      resize: 256,
    });
    expect(resizeImage({ size: [3, 4] }).toJSON()).toMatchObject({
      size: [3, 4],
      flipProbability: 0,
    });
  });
});
