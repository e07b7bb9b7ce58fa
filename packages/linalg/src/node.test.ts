import { afterAll, describe, expect, it } from 'vitest';
import { matmulReference, relError } from '../test/helpers';
import { gemm } from './gemm';
import { WorkerPool } from './node';

describe('WorkerPool (the kernels on two worker threads over one shared memory)', () => {
  const pool = new WorkerPool({ threads: 2 });
  afterAll(() => pool.close());

  it('runs gemm on the workers as the definition gives it, and reuses its memory', () => {
    for (const [m, k, n] of [
      [203, 45, 19],
      [64, 8, 8],
    ] as const) {
      const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i));
      const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i));
      const c = gemm(a, b, { m, k, n }, { threads: pool });
      expect(relError(c, matmulReference(a, b, m, k, n))).toBeLessThan(1e-5);
    }
    expect(pool.arena().memory.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('a kernel error in a worker comes back as a StateError naming the pool', () => {
    const bad = new WorkerPool({ threads: 1, name: 'myPool' });
    // An address past the memory's end traps in the worker's kernel.
    expect(() => bad.run({ each: [[['zero', 2 ** 31, 64]]], chunks: [] })).toThrow(
      expect.objectContaining({ code: 'STATE', argument: 'myPool' }),
    );
    return bad.close();
  });

  it('rejects a thread count below 1', () => {
    expect(() => new WorkerPool({ threads: 0 })).toThrow(
      expect.objectContaining({ argument: 'threads' }),
    );
  });
});
