import { NaNError, ValueRangeError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { assembleKernels } from '../../test/assemble-kernels';
import { relError, simulatedRunner, uniform } from '../../test/helpers';
import { Arena, DATA_AT, dataBytes } from './arena';
import { KERNELS, LINALG_KERNELS, SHARED_KERNELS } from './binary';
import { KernelRows } from './kernel-rows';
import { kernelModule, linalgModule } from './module';
import { type Call, inlineRunner, slices, type Work } from './runner';

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** `n x p` float32 data with an offset per column (so that centring matters). */
function data(n: number, p: number, seed: number): Float32Array {
  const u = uniform(seed);
  const x = new Float32Array(n * p);
  for (let r = 0; r < n; r++) for (let j = 0; j < p; j++) x[r * p + j] = 3 + j + (u() - 0.5);
  return x;
}

/** Plain float64 references: column means, centred data, and products of it. */
function reference(x: Float32Array, n: number, p: number) {
  const mean = new Float64Array(p);
  for (let r = 0; r < n; r++) for (let j = 0; j < p; j++) mean[j] = mean[j]! + x[r * p + j]!;
  for (let j = 0; j < p; j++) mean[j] = mean[j]! / n;
  const c = new Float64Array(n * p);
  for (let r = 0; r < n; r++) for (let j = 0; j < p; j++) c[r * p + j] = x[r * p + j]! - mean[j]!;
  const m2 = new Float64Array(p);
  for (let r = 0; r < n; r++) for (let j = 0; j < p; j++) m2[j] = m2[j]! + c[r * p + j]! ** 2;
  const scatter = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += c[r * p + i]! * c[r * p + j]!;
      scatter[i * p + j] = s;
    }
  }
  // Column-major blocks: column j of z is z[j p .. j p + p).
  const times = (z: Float64Array, l: number) => {
    const out = new Float64Array(l * p);
    for (let i = 0; i < p; i++)
      for (let j = 0; j < l; j++) {
        let s = 0;
        for (let k = 0; k < p; k++) s += scatter[i * p + k]! * z[j * p + k]!;
        out[j * p + i] = s;
      }
    return out;
  };
  return { mean, m2, scatter, times };
}

/**
 * Rows of `x` in a fresh arena, run by a runner of `threads` simulated threads: each takes its
 * share of the chunks in turn (thread t takes chunks t, t + threads, ...), on one instance.
 */
function rowsOn(x: Float32Array, n: number, p: number, threads: number): KernelRows {
  const arena = new Arena(kernelModule(false) as WebAssembly.Module, false, dataBytes(n * p));
  arena.f32(DATA_AT, n * p).set(x);
  const run = simulatedRunner(arena, threads);
  return new KernelRows(arena, n, p, run);
}

describe('linalg wasm kernels', () => {
  it('binary.ts is what wat.ts assembles to (run scripts/build-kernels.ts after editing wat.ts)', async () => {
    const { shared, unshared, linalg } = await assembleKernels();
    expect(base64(shared)).toBe(SHARED_KERNELS);
    expect(base64(unshared)).toBe(KERNELS);
    expect(base64(linalg)).toBe(LINALG_KERNELS);
    // Under the 4 KB that Chromium compiles synchronously on a page's main thread.
    expect(unshared.length).toBeLessThan(4096);
    expect(linalg.length).toBeLessThan(4096);
  });

  it('compile in this runtime (WebAssembly SIMD, shared memory)', () => {
    expect(kernelModule(false)).toBeInstanceOf(WebAssembly.Module);
    expect(kernelModule(true)).toBeInstanceOf(WebAssembly.Module);
    expect(linalgModule()).toBeInstanceOf(WebAssembly.Module);
  });

  // Sizes that are not multiples of the 4 x 8 tile or of the row blocks; one and three slices.
  for (const [n, p, l, parts] of [
    [37, 21, 5, 1],
    [53, 9, 11, 3],
    [300, 40, 17, 2],
  ] as const) {
    it(`moments, centring, Xc^T Xc and Xc^T (Xc q) match float64 references (n ${n}, p ${p}, l ${l}, ${parts} threads)`, () => {
      const x = data(n, p, n + p);
      const ref = reference(x, n, p);
      const rows = rowsOn(x, n, p, parts);
      rows.centre('x');
      expect(relError(rows.mean, ref.mean)).toBeLessThan(1e-12);
      expect(relError(rows.m2, ref.m2)).toBeLessThan(1e-6);
      expect(relError(rows.scatter(), ref.scatter)).toBeLessThan(1e-5);
      const u = uniform(7);
      const q = Float64Array.from({ length: p * l }, () => u() - 0.5);
      expect(relError(rows.scatterTimes(q, l), ref.times(q, l))).toBeLessThan(1e-5);
      // (X - mean) W on fresh rows, against the float64 centred data times W.
      const w = Float64Array.from({ length: p * l }, () => u() - 0.5);
      const fresh = rowsOn(x, n, p, parts);
      fresh.centreWith(ref.mean);
      const want = new Float64Array(n * l);
      for (let r = 0; r < n; r++)
        for (let j = 0; j < l; j++)
          for (let k = 0; k < p; k++)
            want[r * l + j] = want[r * l + j]! + (x[r * p + k]! - ref.mean[k]!) * w[k * l + j]!;
      expect(relError(fresh.project(w, l), want)).toBeLessThan(1e-5);
    });
  }

  it('a NaN or an infinity in the data is a NaNError naming x', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const x = data(20, 6, 3);
      x[5 * 6 + 2] = bad;
      const rows = rowsOn(x, 20, 6, 2);
      expect(() => rows.centre('x')).toThrow(NaNError);
      expect(() => rowsOn(x, 20, 6, 1).centre('x')).toThrow(/x.*finite|finite.*x|NaN/);
    }
  });

  it('past the 4 GiB of a wasm32 memory: a ValueRangeError naming x', () => {
    const arena = new Arena(kernelModule(false) as WebAssembly.Module, false);
    const error = (() => {
      try {
        arena.ensure(2 ** 32 + 64);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValueRangeError);
    expect((error as ValueRangeError).argument).toBe('x');
  });

  it('splits the rows into chunks, each run once with its own rows', () => {
    const seen: Call[] = [];
    const x = data(100, 4, 1);
    const arena = new Arena(kernelModule(false) as WebAssembly.Module, false, dataBytes(400));
    arena.f32(DATA_AT, 400).set(x);
    const inline = inlineRunner(arena);
    const run = Object.assign(
      (work: Work) => {
        seen.push(...work.chunks.flatMap((c) => c[0]!));
        inline(work);
      },
      { threads: 2 },
    );
    new KernelRows(arena, 100, 4, run).centre('x');
    const centres = seen.filter((c) => c[0] === 'center');
    // 2 threads x 4 chunks would be 12-13 rows each; at least 16 rows a chunk -> ceil(100/16) = 7
    // chunks, starting at round(100 i / 7).
    expect(centres.map((c) => (c[1]! - DATA_AT) / 16)).toEqual([0, 14, 29, 43, 57, 71, 86]);
    expect(centres.map((c) => c[3])).toEqual([14, 15, 14, 14, 14, 15, 14]);
  });

  it('slices split rows evenly, none empty', () => {
    expect(slices(10, 3)).toEqual([
      { start: 0, rows: 3 },
      { start: 3, rows: 4 },
      { start: 7, rows: 3 },
    ]);
    expect(slices(2, 4)).toEqual([
      { start: 0, rows: 1 },
      { start: 1, rows: 1 },
    ]);
  });
});
