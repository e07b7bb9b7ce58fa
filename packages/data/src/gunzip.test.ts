import { gzipSync } from 'node:zlib';
import { isTrainkitError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { describeStart, gunzip, isGzip, maybeGunzip } from './gunzip';

const text = new TextEncoder().encode('trainkit '.repeat(50));

describe('gunzip', () => {
  it('round-trips bytes compressed by zlib', async () => {
    expect(await gunzip(new Uint8Array(gzipSync(text)))).toEqual(text);
  });

  it('detects the gzip magic number', () => {
    expect(isGzip(new Uint8Array([0x1f, 0x8b, 8]))).toBe(true);
    expect(isGzip(new Uint8Array([0x1f]))).toBe(false);
    expect(isGzip(new Uint8Array([0, 0, 8, 1]))).toBe(false);
  });

  it('passes plain bytes through maybeGunzip unchanged and gunzips gzip', async () => {
    expect(await maybeGunzip(text)).toBe(text);
    expect(await maybeGunzip(new Uint8Array(gzipSync(text)))).toEqual(text);
  });

  it('throws IOError naming the file on truncated gzip (no short read)', async () => {
    const gz = new Uint8Array(gzipSync(text));
    const err = await gunzip(gz.subarray(0, gz.length - 12), { name: 'x.gz' }).catch((e) => e);
    expect(isTrainkitError(err, 'IO')).toBe(true);
    expect(err.message).toMatch(/^x\.gz: corrupt or truncated gzip/);
  });

  it('throws IOError on corrupt deflate data', async () => {
    const gz = new Uint8Array(gzipSync(text));
    gz.fill(0xff, 10, 30);
    await expect(gunzip(gz, { name: 'bad.gz' })).rejects.toMatchObject({
      code: 'IO',
      argument: 'bad.gz',
    });
  });

  it('throws IOError when the input is not gzip at all', async () => {
    await expect(gunzip(new Uint8Array([1, 2, 3]), { name: 'plain' })).rejects.toThrow(
      /plain: not gzip data; expected bytes starting with the gzip magic number 1f 8b; received 3 bytes starting 01 02 03/,
    );
  });

  it('describes empty input', () => {
    expect(describeStart(new Uint8Array(0))).toBe('an empty file');
  });
});
