import { assertPositiveInt, ShapeError } from '@trainkit/core';
import { Arena, DATA_AT, dataBytes } from './kernels/arena';
import { KernelRows } from './kernels/kernel-rows';
import { kernelModule } from './kernels/module';
import { inlineRunner, type KernelThreads } from './kernels/runner';

/** The sizes of `C = A B`: `A` is `m x k`, `B` is `k x n`, `C` is `m x n`. */
export interface GemmShape {
  m: number;
  k: number;
  n: number;
}

export interface GemmOptions {
  /**
   * Threads to run on: a `WorkerPool` from `@trainkit/linalg/node` (its worker threads take
   * chunks of `A`'s rows, first come, first served, over one shared memory). One product at a
   * time per pool. Default: the calling thread.
   */
  threads?: KernelThreads;
}

/**
 * `C = A B` in float32 on the wasm SIMD engine: `A` row-major `m x k`, `B` row-major `k x n`,
 * `C` row-major `m x n` (a new array). `A` is copied once into the engine's memory, `B` packed
 * into panels of 8 columns; the 4 x 8 register-blocked micro-kernel (eight f32x4 accumulators,
 * Goto & van de Geijn 2008) computes four rows of `C` against one panel at a time, summing the
 * `k` products in float32. Where WebAssembly SIMD is missing (and no `threads` are given), a
 * plain JavaScript loop gives the same product. On the calling thread the engine's memory is kept
 * and reused between calls (grown to the largest product so far; a wasm memory cannot shrink).
 *
 * The engine's lower-level API (for kernels built on it, e.g. convolution as im2col then GEMM):
 * `Arena` (a wasm memory and its kernels, byte addresses; kernels/arena.ts), `KernelRows`
 * (products of an `n x p` row-major block at `DATA_AT`: `X W`, `X^T X`, `X^T (X Z)`, column
 * moments and centring; kernels/kernel-rows.ts), `Runner` / `Work` (how calls are split over
 * threads; kernels/runner.ts) — see kernels/wat.ts for each kernel's layout, and the README.
 *
 * @example
 * const a = Float32Array.of(1, 2, 3, 4, 5, 6); // 2 x 3
 * const b = Float32Array.of(1, 0, 0, 1, 1, 1); // 3 x 2
 * gemm(a, b, { m: 2, k: 3, n: 2 }); // Float32Array [4, 5, 10, 11]
 */
export function gemm(
  a: Float32Array,
  b: ArrayLike<number>,
  shape: GemmShape,
  options: GemmOptions = {},
): Float32Array {
  const m = assertPositiveInt('shape.m', shape.m);
  const k = assertPositiveInt('shape.k', shape.k);
  const n = assertPositiveInt('shape.n', shape.n);
  if (a.length !== m * k) {
    throw new ShapeError('does not hold an m x k matrix', {
      argument: 'a',
      expected: `${m * k} values (m ${m} x k ${k})`,
      received: a.length,
    });
  }
  if (b.length !== k * n) {
    throw new ShapeError('does not hold a k x n matrix', {
      argument: 'b',
      expected: `${k * n} values (k ${k} x n ${n})`,
      received: b.length,
    });
  }
  const module = kernelModule(false);
  if (!options.threads && !module) return gemmPlain(a, b, m, k, n);
  // The calling thread's memory is kept between products (a fresh one per call pays its page
  // faults every time: 108 ms against 16 ms for a 6,400 x 150 x 16 product).
  inlineArena ??= new Arena(module as WebAssembly.Module, false);
  const arena = options.threads ? options.threads.arena() : inlineArena;
  arena.ensure(dataBytes(m * k));
  arena.f32(DATA_AT, m * k).set(a);
  const run = options.threads?.run ?? inlineRunner(arena);
  return new KernelRows(arena, m, k, run).project(b, n);
}

/** The calling thread's kernel memory for {@link gemm}, grown as needed and reused. */
let inlineArena: Arena | undefined;

/** `C = A B` by a JavaScript loop (float32 products summed in float64), for runtimes without wasm SIMD. */
function gemmPlain(
  a: Float32Array,
  b: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
): Float32Array {
  const c = new Float32Array(m * n);
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let t = 0; t < k; t++) {
      const ait = a[i * k + t]!;
      if (ait === 0) continue;
      for (let j = 0; j < n; j++) row[j] = row[j]! + ait * b[t * n + j]!;
    }
    c.set(row, i * n);
  }
  return c;
}
