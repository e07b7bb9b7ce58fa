// Readers for the experiment's data in ../shared/data (IDX and CIFAR-10 binary), kept in the
// scripts so the library itself does not depend on @trainkit/data.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';

export interface Images {
  /** Pixels in [0, 1], NHWC, row-major. */
  x: Float32Array;
  labels: Uint8Array;
  height: number;
  width: number;
  channels: number;
}

/** An IDX image/label pair of files (gzipped), e.g. Fashion-MNIST `train` or `t10k`. */
export function readIdxImages(dir: string, prefix: 'train' | 't10k'): Images {
  const img = gunzipSync(readFileSync(join(dir, `${prefix}-images-idx3-ubyte.gz`)));
  const lab = gunzipSync(readFileSync(join(dir, `${prefix}-labels-idx1-ubyte.gz`)));
  const n = img.readUInt32BE(4);
  const h = img.readUInt32BE(8);
  const w = img.readUInt32BE(12);
  const pix = img.subarray(16);
  const x = new Float32Array(n * h * w);
  for (let i = 0; i < x.length; i++) x[i] = pix[i]! / 255;
  return { x, labels: new Uint8Array(lab.subarray(8, 8 + n)), height: h, width: w, channels: 1 };
}

/** A CIFAR-10 binary batch file (label byte + R, G, B planes per record) as NHWC in [0, 1]. */
export function readCifarBatch(file: string): Images {
  const b = readFileSync(file);
  const rec = 3073;
  const n = b.length / rec;
  const x = new Float32Array(n * 3072);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * rec;
    labels[i] = b[o]!;
    for (let p = 0; p < 1024; p++) {
      for (let c = 0; c < 3; c++) x[i * 3072 + p * 3 + c] = b[o + 1 + c * 1024 + p]! / 255;
    }
  }
  return { x, labels, height: 32, width: 32, channels: 3 };
}

/**
 * Indices of the examples whose label is in `classes`, at most `perClass` of each (in file
 * order), so "first 100 of each class" is reproducible.
 */
export function selectByClass(
  labels: Uint8Array,
  classes: number[],
  perClass = Infinity,
): number[] {
  const count = new Map<number, number>(classes.map((c) => [c, 0]));
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    const k = count.get(c);
    if (k !== undefined && k < perClass) {
      count.set(c, k + 1);
      out.push(i);
    }
  }
  return out;
}

/** Tensors for the chosen examples; labels remapped to 0..classes.length-1 by `classes` order. */
export function toTensors(
  data: Images,
  idx: number[],
  classes: number[],
): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const d = data.height * data.width * data.channels;
  const x = new Float32Array(idx.length * d);
  idx.forEach((i, k) => {
    x.set(data.x.subarray(i * d, (i + 1) * d), k * d);
  });
  const y = Int32Array.from(idx, (i) => classes.indexOf(data.labels[i]!));
  return {
    x: tf.tensor4d(x, [idx.length, data.height, data.width, data.channels]),
    y: tf.tensor1d(y, 'int32'),
  };
}
