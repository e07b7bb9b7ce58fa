import { describe, expect, it } from 'vitest';
import { CIFAR10_CLASSES, parseCifar10 } from './cifar10';

// Two records: label, then R, G, B planes of 1,024 bytes. Pixel p of plane c holds (p + 7c + 50r) mod 256.
function records(labels: number[]): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((label, r) => {
    out[r * 3073] = label;
    for (let c = 0; c < 3; c++)
      for (let p = 0; p < 1024; p++) out[r * 3073 + 1 + c * 1024 + p] = (p + 7 * c + 50 * r) % 256;
  });
  return out;
}

describe('parseCifar10', () => {
  it('converts CHW records to NHWC examples with their labels', () => {
    const ds = parseCifar10(records([3, 9]));
    expect(ds.size).toBe(2);
    expect(ds.shape).toEqual([32, 32, 3]);
    expect(Array.from(ds.y)).toEqual([3, 9]);
    expect(ds.classNames).toEqual(CIFAR10_CLASSES);
    // record 1, row 2, column 5 -> p = 2*32+5 = 69; R = 69+50 = 119, G = 126, B = 133
    const at = (r: number, h: number, w: number, c: number) =>
      ds.x[r * 3072 + (h * 32 + w) * 3 + c];
    expect([at(1, 2, 5, 0), at(1, 2, 5, 1), at(1, 2, 5, 2)]).toEqual([119, 126, 133]);
    // record 0, last pixel p = 1023 -> (1023 + 14) % 256 = 13 in blue
    expect(at(0, 31, 31, 2)).toBe(13);
  });

  it('rejects a truncated file naming it and the record arithmetic', () => {
    const bytes = records([1, 2]).subarray(0, 3073 + 100);
    expect(() => parseCifar10(bytes, { name: 'data_batch_1.bin' })).toThrow(
      /^data_batch_1\.bin: truncated or not a CIFAR-10 binary batch; expected a multiple of 3073 bytes .*received 3173 bytes \(1 records \+ 100 bytes\)/,
    );
    expect(() => parseCifar10(new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'IO' }));
  });

  it('rejects labels above 9 (e.g. a CIFAR-100 file)', () => {
    expect(() => parseCifar10(records([0, 42]), { name: 'train.bin' })).toThrow(
      /train\.bin: record 1 has label 42; expected labels in \[0, 9\]/,
    );
  });
});
