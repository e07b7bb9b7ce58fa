import { ValueRangeError } from '@trainkit/core';
import type { KernelExports } from './module';

const PAGE = 65536;
/** Largest memory the kernels address (wasm32: 4 GiB, byte addresses in i32). */
export const MAX_BYTES = 65536 * PAGE;

/** Rounds up to a multiple of 64 bytes (a cache line; all kernel operands are aligned so). */
export const align = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/** A linear memory with an instance of a kernel module on it (`K`: its exports). */
export class Arena<K = KernelExports> {
  readonly memory: WebAssembly.Memory;
  readonly kernels: K;

  constructor(
    readonly module: WebAssembly.Module,
    shared: boolean,
    bytes = PAGE,
  ) {
    const pages = Math.max(1, Math.ceil(bytes / PAGE));
    // A shared memory must declare its maximum (reserved up front); a plain one grows freely.
    this.memory = new WebAssembly.Memory(
      shared ? { initial: pages, maximum: 65536, shared: true } : { initial: pages },
    );
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.kernels = instance.exports as unknown as K;
  }

  /**
   * Grows the memory to at least `bytes` (views of an unshared memory are detached by growth).
   * Past the 4 GiB a wasm32 memory holds, a ValueRangeError names the data, `x`.
   */
  ensure(bytes: number): void {
    if (bytes > MAX_BYTES) {
      throw new ValueRangeError('too large for the linalg kernels', {
        argument: 'x',
        expected: 'data and scratch within the 4 GiB of a wasm32 memory (~1e9 float32 values)',
        receivedText: `${bytes} bytes needed`,
      });
    }
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
  }

  f32(at: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, length);
  }

  f64(at: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, at, length);
  }
}

/** Where the data sits in an arena: after 64 bytes, with 64 bytes of slack after it. */
export const DATA_AT = 64;

/** Bytes of data (and slack) for `values` floats at {@link DATA_AT}. */
export const dataBytes = (values: number): number => DATA_AT + align(4 * values + 64);
