import { IOError } from '@trainkit/core';
import { reflectedCrc32 } from '@trainkit/plot';
import type { Histogram } from './records';

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as TFRecord uses. */
export const crc32c = reflectedCrc32(0x82f63b78);

/** TFRecord's masked CRC: rotate right by 15 and add 0xa282ead8. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const c = crc32c(bytes);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** Frames one record: uint64 length, masked CRC of the length, data, masked CRC of the data. */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length, true);
  dv.setUint32(4, 0, true);
  dv.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  dv.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** Splits a TFRecord file into records, checking both CRCs; corruption -> IOError. */
export function readTfRecords(bytes: Uint8Array, source = 'tfrecord'): Uint8Array[] {
  const out: Uint8Array[] = [];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 0;
  while (o < bytes.length) {
    if (o + 12 > bytes.length)
      throw new IOError(`truncated record header at byte ${o}`, { argument: source });
    const len = dv.getUint32(o, true) + dv.getUint32(o + 4, true) * 2 ** 32;
    if (dv.getUint32(o + 8, true) !== maskedCrc32c(bytes.subarray(o, o + 8))) {
      throw new IOError(`length CRC mismatch at byte ${o}`, { argument: source });
    }
    if (o + 16 + len > bytes.length)
      throw new IOError(`truncated record at byte ${o}`, { argument: source });
    const data = bytes.subarray(o + 12, o + 12 + len);
    if (dv.getUint32(o + 12 + len, true) !== maskedCrc32c(data)) {
      throw new IOError(`data CRC mismatch at byte ${o}`, { argument: source });
    }
    out.push(data);
    o += 16 + len;
  }
  return out;
}

// --- minimal protobuf writer ---
class Pb {
  private parts: number[] = [];
  varint(v: number): this {
    let x = BigInt.asUintN(64, BigInt(Math.trunc(v)));
    while (x >= 0x80n) {
      this.parts.push(Number((x & 0x7fn) | 0x80n));
      x >>= 7n;
    }
    this.parts.push(Number(x));
    return this;
  }
  tag(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }
  double(field: number, v: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    this.tag(field, 1);
    this.parts.push(...b);
    return this;
  }
  float(field: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.tag(field, 5);
    this.parts.push(...b);
    return this;
  }
  int(field: number, v: number): this {
    return this.tag(field, 0).varint(v);
  }
  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2).varint(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }
  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  packedDoubles(field: number, vs: number[]): this {
    const b = new Uint8Array(8 * vs.length);
    const dv = new DataView(b.buffer);
    for (let i = 0; i < vs.length; i++) dv.setFloat64(8 * i, vs[i]!, true);
    return this.bytes(field, b);
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** A summary value of an Event: a scalar, a histogram or a PNG image. */
export type TbValue =
  | { tag: string; scalar: number }
  | {
      tag: string;
      histogram: Histogram & {
        min: number;
        max: number;
        num: number;
        sum: number;
        sumSquares: number;
      };
    }
  | { tag: string; image: { width: number; height: number; png: Uint8Array } };

// tensorflow/core/util/event.proto and framework/summary.proto field numbers.
function encodeValue(v: TbValue): Uint8Array {
  const pb = new Pb().string(1, v.tag);
  if ('scalar' in v) pb.float(2, v.scalar);
  else if ('histogram' in v) {
    const h = v.histogram;
    const histo = new Pb()
      .double(1, h.min)
      .double(2, h.max)
      .double(3, h.num)
      .double(4, h.sum)
      .double(5, h.sumSquares)
      .packedDoubles(6, h.edges.slice(1))
      .packedDoubles(7, h.counts)
      .done();
    pb.bytes(5, histo);
  } else {
    const img = new Pb()
      .int(1, v.image.height)
      .int(2, v.image.width)
      .int(3, 4)
      .bytes(4, v.image.png)
      .done();
    pb.bytes(4, img);
  }
  return pb.done();
}

/** Encodes an Event proto: wall time (s), step, and either the file version or summary values. */
export function encodeEvent(e: {
  wallTime: number;
  step: number;
  fileVersion?: string;
  values?: TbValue[];
}): Uint8Array {
  const pb = new Pb().double(1, e.wallTime).int(2, e.step);
  if (e.fileVersion !== undefined) pb.string(3, e.fileVersion);
  if (e.values) {
    const summary = new Pb();
    for (const v of e.values) summary.bytes(1, encodeValue(v));
    pb.bytes(5, summary.done());
  }
  return pb.done();
}

// --- minimal protobuf reader, to check files and to read runs back ---
type Field = { field: number; wire: number; value: number | bigint | Uint8Array };
function decodeFields(b: Uint8Array): Field[] {
  const out: Field[] = [];
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let o = 0;
  const varint = (): bigint => {
    let x = 0n;
    let shift = 0n;
    for (;;) {
      if (o >= b.length) throw new IOError('truncated varint', { argument: 'event' });
      const byte = b[o++]!;
      x |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return x;
      shift += 7n;
    }
  };
  while (o < b.length) {
    const key = Number(varint());
    const field = key >> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ field, wire, value: varint() });
    else if (wire === 1) {
      out.push({ field, wire, value: dv.getFloat64(o, true) });
      o += 8;
    } else if (wire === 5) {
      out.push({ field, wire, value: dv.getFloat32(o, true) });
      o += 4;
    } else if (wire === 2) {
      const len = Number(varint());
      out.push({ field, wire, value: b.subarray(o, o + len) });
      o += len;
    } else throw new IOError(`unsupported wire type ${wire}`, { argument: 'event' });
  }
  return out;
}

/** A decoded Event (the parts trainkit writes). */
export interface DecodedEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  scalars: Record<string, number>;
  histograms: Record<
    string,
    { min: number; max: number; num: number; bucketLimits: number[]; buckets: number[] }
  >;
  images: Record<string, { width: number; height: number; png: Uint8Array }>;
}

const doubles = (b: Uint8Array) => {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return Array.from({ length: b.length / 8 }, (_, i) => dv.getFloat64(8 * i, true));
};

/** Decodes one Event record. */
export function decodeEvent(bytes: Uint8Array): DecodedEvent {
  const e: DecodedEvent = { wallTime: 0, step: 0, scalars: {}, histograms: {}, images: {} };
  for (const f of decodeFields(bytes)) {
    if (f.field === 1) e.wallTime = f.value as number;
    else if (f.field === 2) e.step = Number(f.value);
    else if (f.field === 3) e.fileVersion = new TextDecoder().decode(f.value as Uint8Array);
    else if (f.field === 5) {
      for (const vf of decodeFields(f.value as Uint8Array)) {
        const value = decodeFields(vf.value as Uint8Array);
        const tag = new TextDecoder().decode(value.find((x) => x.field === 1)!.value as Uint8Array);
        for (const x of value) {
          if (x.field === 2) e.scalars[tag] = x.value as number;
          if (x.field === 5) {
            const h = decodeFields(x.value as Uint8Array);
            const get = (k: number) => h.find((y) => y.field === k)?.value;
            e.histograms[tag] = {
              min: get(1) as number,
              max: get(2) as number,
              num: get(3) as number,
              bucketLimits: doubles(get(6) as Uint8Array),
              buckets: doubles(get(7) as Uint8Array),
            };
          }
          if (x.field === 4) {
            const im = decodeFields(x.value as Uint8Array);
            const get = (k: number) => im.find((y) => y.field === k)?.value;
            e.images[tag] = {
              height: Number(get(1)),
              width: Number(get(2)),
              png: get(4) as Uint8Array,
            };
          }
        }
      }
    }
  }
  return e;
}
