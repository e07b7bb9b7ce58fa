import { IOError } from '@trainkit/core';
import { Dataset } from './dataset';

/** CIFAR-10 class names in label order. */
export const CIFAR10_CLASSES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
] as const;

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;

/**
 * Parses CIFAR-10 binary batches (`data_batch_N.bin`, `test_batch.bin`): records of 3,073 bytes,
 * one label byte then 1,024 R, 1,024 G, 1,024 B bytes (each plane 32x32 row-major, i.e. CHW),
 * per https://www.cs.toronto.edu/~kriz/cifar.html. Returns uint8 NHWC examples `[32, 32, 3]`.
 * A size that is not a multiple of 3,073 or a label > 9 -> `IOError` naming `name`.
 *
 * @example
 * const ds = parseCifar10(bytes, { name: 'data_batch_1.bin' }); // ds.size 10000
 */
export function parseCifar10(bytes: Uint8Array, options: { name?: string } = {}): Dataset {
  const name = options.name ?? 'cifar10';
  if (bytes.length === 0 || bytes.length % RECORD !== 0) {
    throw new IOError('truncated or not a CIFAR-10 binary batch', {
      argument: name,
      expected: `a multiple of ${RECORD} bytes (1 label + 3 x 32 x 32 pixels per record)`,
      receivedText: `${bytes.length} bytes (${Math.floor(bytes.length / RECORD)} records + ${bytes.length % RECORD} bytes)`,
    });
  }
  const n = bytes.length / RECORD;
  const x = new Uint8Array(n * 3 * PLANE);
  const y = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const base = r * RECORD;
    const label = bytes[base]!;
    if (label > 9) {
      throw new IOError(`record ${r} has label ${label}`, {
        argument: name,
        expected: 'labels in [0, 9]',
        received: label,
      });
    }
    y[r] = label;
    const out = r * 3 * PLANE;
    // CHW -> HWC: pixel p of channel c goes to (p * 3 + c).
    for (let c = 0; c < 3; c++) {
      const plane = base + 1 + c * PLANE;
      for (let p = 0; p < PLANE; p++) x[out + p * 3 + c] = bytes[plane + p]!;
    }
  }
  return new Dataset({ x, y, shape: [SIDE, SIDE, 3], numClasses: 10, classNames: CIFAR10_CLASSES });
}
