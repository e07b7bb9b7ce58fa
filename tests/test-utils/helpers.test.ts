import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  chromiumArgs,
  errorCode,
  expectNoLeaks,
  serveBrowserBundle,
  sharedDir,
  tensorDelta,
} from './index';

describe('test helpers', () => {
  it('expectNoLeaks passes clean functions and fails leaking ones', async () => {
    expect(await expectNoLeaks(() => tf.tidy(() => tf.add(1, 2).shape))).toEqual([]);
    const leaked: tf.Tensor[] = [];
    await expect(expectNoLeaks(() => leaked.push(tf.zeros([1])), 'maker')).rejects.toThrow(
      /maker leaked 1 tensor/,
    );
    tf.dispose(leaked);
    expect(await tensorDelta(() => leaked.push(tf.ones([2])))).toBe(1);
    tf.dispose(leaked);
  });

  it('errorCode reports the typed code, untyped errors, or nothing thrown', () => {
    expect(
      errorCode(() => {
        // what @trainkit/core throws: an Error with its Symbol.for brand and a code
        throw Object.assign(new RangeError('x'), {
          [Symbol.for('trainkit.error')]: true,
          code: 'RANGE',
        });
      }),
    ).toBe('RANGE');
    expect(
      errorCode(() => {
        throw new Error('plain');
      }),
    ).toBe('untyped: Error: plain');
    expect(errorCode(() => 1)).toBeUndefined();
  });

  it('sharedDir finds ../shared or says it is absent', () => {
    const dir = sharedDir('data');
    if (dir === undefined) console.warn('shared/ is absent (fresh clone): nothing to find');
    else expect(dir).toMatch(/shared[/\\]data$/);
    expect(sharedDir('no-such-folder-here')).toBeUndefined();
  });
});

describe('browser test helpers', () => {
  it('chromiumArgs: headless flags, WebGPU only when asked', () => {
    expect(chromiumArgs()).toContain('--no-sandbox');
    expect(chromiumArgs()).not.toContain('--enable-unsafe-webgpu');
    expect(chromiumArgs({ webgpu: true })).toContain('--enable-unsafe-webgpu');
  });

  it('serveBrowserBundle bundles an entry and serves it as a page', async () => {
    const site = await serveBrowserBundle(
      fileURLToPath(new URL('./page-entry.ts', import.meta.url)),
    );
    try {
      const html = await (await fetch(site.url)).text();
      expect(html).toContain('<script type="module" src="/entry.js">');
      const js = await (await fetch(`${site.url}entry.js`)).text();
      expect(js).toContain('bundled from page-dep.ts'); // the imported module, bundled in
    } finally {
      await site.close();
    }
  });
});
