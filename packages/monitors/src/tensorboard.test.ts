import { isTrainkitError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import {
  crc32c,
  decodeEvent,
  encodeEvent,
  maskedCrc32c,
  readTfRecords,
  tfRecord,
} from './tensorboard';
import { recordToTbValues, tensorboardSink } from './tensorboard-sink';

describe('TensorBoard event files', () => {
  it('computes CRC-32C check values (RFC 3720 B.4)', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
  });

  it('masks CRCs as TFRecord does: rotr 15 + 0xa282ead8', () => {
    const c = 0xe3069283;
    const expected = ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
    expect(maskedCrc32c(new TextEncoder().encode('123456789'))).toBe(expected);
  });

  it('frames records that read back, and detects corruption and truncation', () => {
    const a = tfRecord(new Uint8Array([1, 2, 3]));
    const b = tfRecord(new Uint8Array([]));
    const file = new Uint8Array([...a, ...b]);
    expect(readTfRecords(file).map((r) => Array.from(r))).toEqual([[1, 2, 3], []]);
    const bad = file.slice();
    bad[13] = 99;
    expect(() => readTfRecords(bad)).toThrow(/data CRC mismatch/);
    try {
      readTfRecords(file.subarray(0, 10));
      expect.unreachable();
    } catch (e) {
      expect(isTrainkitError(e, 'IO')).toBe(true);
    }
  });

  it('encodes scalar, histogram and image summaries that decode back', () => {
    const png = new Uint8Array([137, 80, 78, 71]);
    const bytes = encodeEvent({
      wallTime: 1700000000.5,
      step: 300,
      values: [
        { tag: 'train/loss', scalar: 0.25 },
        {
          tag: 'g',
          histogram: {
            edges: [0, 1, 2],
            counts: [3, 4],
            min: 0,
            max: 2,
            num: 7,
            sum: 7,
            sumSquares: 11,
          },
        },
        { tag: 'f', image: { width: 4, height: 2, png } },
      ],
    });
    const e = decodeEvent(bytes);
    expect(e.wallTime).toBe(1700000000.5);
    expect(e.step).toBe(300);
    expect(e.scalars['train/loss']).toBe(0.25);
    expect(e.histograms.g).toMatchObject({
      min: 0,
      max: 2,
      num: 7,
      bucketLimits: [1, 2],
      buckets: [3, 4],
    });
    expect(e.images.f).toMatchObject({ width: 4, height: 2 });
    expect(Array.from(e.images.f!.png)).toEqual(Array.from(png));
    // Hand-encoded prefix: field 1 (double) tag 0x09, then 8 bytes; field 2 varint tag 0x10, 300 = 0xac 0x02.
    expect(bytes[0]).toBe(0x09);
    expect(Array.from(bytes.subarray(9, 12))).toEqual([0x10, 0xac, 0x02]);
  });

  it('the sink starts with the brain.Event:2 version record', async () => {
    const out: Uint8Array[] = [];
    const sink = tensorboardSink((b) => {
      out.push(b);
    });
    await sink.write({ type: 'step', step: 3, epoch: 0, loss: 1.5, learningRate: 0.1 });
    const events = out.flatMap((b) => readTfRecords(b)).map(decodeEvent);
    expect(events[0]!.fileVersion).toBe('brain.Event:2');
    expect(events[1]!.step).toBe(3);
    expect(events[1]!.scalars).toEqual({
      'train/loss': 1.5,
      'train/learning_rate': Math.fround(0.1),
    });
    expect(
      recordToTbValues({ type: 'begin', time: 0, epochs: 1, initialStep: 0, params: [] }),
    ).toBeUndefined();
  });
});
