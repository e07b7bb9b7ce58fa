import { NaNError, ValueRangeError } from '@trainkit/core';
import { KERNELS, LINALG_KERNELS, SHARED_KERNELS } from './binary';

/** The exported kernels (byte addresses and byte strides into the module's memory); see wat.ts. */
export interface KernelExports {
  syrk(x: number, ld: number, rows: number, p8: number, c: number, kc: number): void;
  times(
    x: number,
    ld: number,
    rows: number,
    p: number,
    q: number,
    l: number,
    y: number,
    xp: number,
    block: number,
    c: number,
  ): void;
  project(
    x: number,
    ld: number,
    rows: number,
    p: number,
    q: number,
    l: number,
    y: number,
    panel: number,
  ): void;
  center(x: number, ld: number, rows: number, p: number, mean: number): void;
  moments(
    x: number,
    ld: number,
    rows: number,
    p: number,
    shift: number,
    s1: number,
    s2: number,
  ): void;
  zero(at: number, bytes: number): void;
}

export type KernelName = keyof KernelExports;

/** The float64 kernels of the small dense steps (a second module; see wat.ts `linalgWat`). */
export interface LinalgExports {
  orthcol(t: number, ps: number, j: number): number;
  cross(a: number, b: number, ps: number, na: number, nb: number, out: number, upper: number): void;
  tridrest(
    w: number,
    p: number,
    o: number,
    m: number,
    u: number,
    v: number,
    v2: number,
    q2: number,
  ): void;
}

const compiled = new Map<string, WebAssembly.Module | null>();

/** Compiles base64 wasm once, synchronously; `undefined` where it does not compile here. */
function compile(name: string, base64: string, shared: boolean): WebAssembly.Module | undefined {
  if (!compiled.has(name)) {
    let m: WebAssembly.Module | null = null;
    try {
      if (typeof WebAssembly === 'object' && (!shared || typeof SharedArrayBuffer === 'function')) {
        m = new WebAssembly.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
      }
    } catch {
      m = null;
    }
    compiled.set(name, m);
  }
  return compiled.get(name) ?? undefined;
}

/**
 * The data kernels compiled for this runtime (`shared`: importing a shared memory, for worker
 * threads), or `undefined` where WebAssembly SIMD (or, for `shared`, shared memory) is missing.
 * Each module is under 4 KB, the most a browser page compiles synchronously on its main thread.
 */
export function kernelModule(shared: boolean): WebAssembly.Module | undefined {
  return compile(shared ? 'shared' : 'plain', shared ? SHARED_KERNELS : KERNELS, shared);
}

/** The float64 linear-algebra kernels ({@link LinalgExports}), or `undefined` without SIMD. */
export function linalgModule(): WebAssembly.Module | undefined {
  return compile('linalg', LINALG_KERNELS, false);
}

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

/** One kernel call: its name and arguments. */
export type Call = [KernelName, ...number[]];

/**
 * Work for the threads of a runner: thread `t` first runs `each[t]` (zeroing its outputs, say),
 * then the threads take the `chunks` (row ranges) in turn, first come first served, thread `t`
 * running `chunks[i][t]` for each chunk `i` it takes (the chunk's calls with that thread's own
 * scratch and outputs). So a thread slowed by other work on its core takes fewer chunks.
 */
export interface Work {
  each: Call[][];
  chunks: Call[][][];
}

/** Runs {@link Work} on its threads (or in order on one) and returns when all is done. */
export type Runner = ((work: Work) => void) & { readonly threads: number };

/**
 * Threads that run the kernels over one shared memory: `WorkerPool` from
 * `@trainkit/linalg/node` (worker threads, Node), or none (the calling thread, {@link inlineRunner}).
 */
export interface KernelThreads {
  /** The shared memory every thread's instance of the kernels addresses (grow it with `ensure`). */
  arena(): Arena;
  /** Runs work on the threads and returns when all is done. */
  readonly run: Runner;
}

/** Rows `start .. start + rows` of the data (a chunk of the work). */
export interface Slice {
  start: number;
  rows: number;
}

/** Splits `n` rows into `parts` contiguous slices of nearly equal size (none empty). */
export function slices(n: number, parts: number): Slice[] {
  const w = Math.max(1, Math.min(parts, n));
  return Array.from({ length: w }, (_, i) => {
    const start = Math.round((i * n) / w);
    return { start, rows: Math.round(((i + 1) * n) / w) - start };
  });
}

/** Where the data sits in an arena: after 64 bytes, with 64 bytes of slack after it. */
export const DATA_AT = 64;

/** Bytes of data (and slack) for `values` floats at {@link DATA_AT}. */
export const dataBytes = (values: number): number => DATA_AT + align(4 * values + 64);

/** Chunks of rows per thread a runner's work is split into (see {@link Work}). */
const CHUNKS_PER_THREAD = 4;

/**
 * The products of a one-shot fit on `n x p` data held at {@link DATA_AT} in `arena`, run by
 * the kernels on the runner's threads over chunks of rows: column moments, centring in place,
 * the scatter `Xc^T Xc`, `Xc^T (Xc q)` and `(X - mean) W`. Each thread adds into its own float64
 * outputs; they are summed here in float64.
 */
export class KernelRows {
  readonly n: number;
  readonly p: number;
  mean = new Float64Array(0);
  m2 = new Float64Array(0);
  private readonly p8: number;
  private readonly ld: number;
  private readonly scratch: number;
  private readonly chunks: Slice[];
  private readonly threads: number;

  constructor(
    private readonly arena: Arena,
    n: number,
    p: number,
    private readonly run: Runner,
  ) {
    this.n = n;
    this.p = p;
    this.p8 = Math.ceil(p / 8) * 8;
    this.ld = 4 * p;
    this.scratch = dataBytes(n * p);
    this.threads = run.threads;
    // At least 16 rows a chunk: each call has a fixed cost.
    this.chunks = slices(n, Math.min(run.threads * CHUNKS_PER_THREAD, Math.ceil(n / 16)));
  }

  private rowAt(r: number): number {
    return DATA_AT + r * this.ld;
  }

  /** Runs `each(t)` on every thread, then `chunk(c, t)` for every chunk `c` (by whichever thread takes it). */
  private work(
    each: (t: number) => Call[],
    chunk: (c: Slice, t: number, i: number) => Call[],
  ): void {
    const threads = Array.from({ length: this.threads }, (_, t) => t);
    this.run({
      each: threads.map(each),
      chunks: this.chunks.map((c, i) => threads.map((t) => chunk(c, t, i))),
    });
  }

  /**
   * Float64 column means and sums of squared deviations, in one pass over the data shifted by
   * its first row (large offsets do not cancel); then centres the data in place. Throws a
   * NaNError naming `name` when a value is NaN or infinite.
   */
  centre(name: string): void {
    const { n, p } = this;
    const at = this.layout([p * 8, p * 8], this.threads);
    this.work(
      (t) => [['zero', at[t]![0]!, 16 * p]],
      (c, t) => [
        ['moments', this.rowAt(c.start), this.ld, c.rows, p, DATA_AT, at[t]![0]!, at[t]![1]!],
      ],
    );
    const s1 = this.sum(
      at.map((a) => a[0]!),
      p,
    );
    const s2 = this.sum(
      at.map((a) => a[1]!),
      p,
    );
    const shift = this.arena.f32(DATA_AT, p);
    this.mean = new Float64Array(p);
    this.m2 = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      if (!Number.isFinite(s2[j]!)) {
        throw new NaNError('contains NaN or an infinity', {
          argument: name,
          expected: 'finite values',
        });
      }
      this.mean[j] = shift[j]! + s1[j]! / n;
      this.m2[j] = Math.max(s2[j]! - (s1[j]! * s1[j]!) / n, 0);
    }
    this.centreWith(this.mean);
  }

  /** Subtracts `mean` (float64, applied as float32, as a tfjs `sub` would) from the data in place. */
  centreWith(mean: Float64Array): void {
    const { p } = this;
    const meanAt = this.scratch;
    this.arena.ensure(meanAt + align(4 * p));
    this.arena.f32(meanAt, p).set(mean);
    this.work(
      () => [],
      (c) => [['center', this.rowAt(c.start), this.ld, c.rows, p, meanAt]],
    );
  }

  /** `X W` for a row-major `p x q` `w` (float32 products): `n x q` float32, row-major. */
  project(w: ArrayLike<number>, q: number): Float32Array {
    const { p, n } = this;
    const columns = new Float64Array(q * p);
    for (let k = 0; k < p; k++) for (let j = 0; j < q; j++) columns[j * p + k] = w[k * q + j]!;
    const q8 = this.putPanels(columns, q);
    // One block of panels per chunk (rows rounded up to 4), each chunk's rows in its own.
    const panel = (c: Slice) => Math.ceil(c.rows / 4) * 4 * 32;
    const at = this.layout(
      this.chunks.map((c) => panel(c) * (q8 / 8)),
      1,
      4 * p * q8,
    )[0]!;
    this.work(
      () => [],
      (c, _t, i) => [
        ['project', this.rowAt(c.start), this.ld, c.rows, p, this.sharedAt, q, at[i]!, panel(c)],
      ],
    );
    const out = new Float32Array(n * q);
    this.chunks.forEach((c, i) => {
      const stride = panel(c) / 4;
      const y = this.arena.f32(at[i]!, stride * (q8 / 8));
      for (let r = 0; r < c.rows; r++) {
        const o = (c.start + r) * q;
        for (let j = 0; j < q; j++) out[o + j] = y[(j >> 3) * stride + r * 8 + (j & 7)]!;
      }
    });
    return out;
  }

  /**
   * Lays out `sizes` (bytes) once per thread after the shared operands (`shared` bytes, after
   * the mean), grows the memory and returns the addresses: `[thread][operand]`.
   */
  private layout(sizes: number[], threads: number, shared = 0): number[][] {
    let top = this.sharedAt + align(shared);
    const out: number[][] = [];
    for (let t = 0; t < threads; t++) {
      out.push(
        sizes.map((b) => {
          const a = top;
          top += align(b);
          return a;
        }),
      );
    }
    this.arena.ensure(top);
    return out;
  }

  /** Address of the shared operand (after the mean). */
  private get sharedAt(): number {
    return this.scratch + align(4 * this.p);
  }

  /** Sums the float64 blocks of `length` values at `addresses`. */
  private sum(addresses: number[], length: number): Float64Array {
    const total = this.arena.f64(addresses[0]!, length).slice();
    for (const a of addresses.slice(1)) {
      const v = this.arena.f64(a, length);
      for (let i = 0; i < length; i++) total[i] = total[i]! + v[i]!;
    }
    return total;
  }

  /** `Xc^T Xc`, row-major `p x p` (upper triangle computed, mirrored). */
  scatter(): Float64Array {
    const { p, p8 } = this;
    const bytes = 8 * p8 * p8;
    const at = this.layout([bytes], this.threads).map((a) => a[0]!);
    // Blocks of 128 rows: a 4 x 8 tile's two column strips (2 x 128 lines) stay in L1.
    this.work(
      (t) => [['zero', at[t]!, bytes]],
      (c, t) => [['syrk', this.rowAt(c.start), this.ld, c.rows, p8, at[t]!, 128]],
    );
    const c = this.sum(at, p8 * p8);
    const out = new Float64Array(p * p);
    for (let i = 0; i < p; i++) {
      for (let j = i; j < p; j++) {
        const v = c[i * p8 + j]!;
        out[i * p + j] = v;
        out[j * p + i] = v;
      }
    }
    return out;
  }

  /**
   * Writes the column-major `z` (`l` columns of `p`) as float32 panels of 8 columns at the shared
   * operand (zeros past `l`); returns `l` rounded up to 8.
   */
  private putPanels(z: Float64Array, l: number): number {
    const { p } = this;
    const l8 = Math.ceil(l / 8) * 8;
    const qAt = this.sharedAt;
    this.arena.ensure(qAt + align(4 * p * l8));
    const panels = this.arena.f32(qAt, p * l8);
    if (l < l8) panels.subarray((l8 - 8) * p).fill(0);
    for (let j = 0; j < l; j++) {
      const o = (j >> 3) * p * 8 + (j & 7);
      const c = j * p;
      for (let k = 0; k < p; k++) panels[o + k * 8] = z[c + k]!;
    }
    return l8;
  }

  /** Rows per block of `Xc q` products: a block of data (`block x p` floats) stays in L2. */
  private block(): number {
    return Math.max(16, Math.min(256, Math.floor((1 << 20) / (4 * this.p8) / 4) * 4));
  }

  /** `Xc^T (Xc Z)` for a column-major block `Z` (`l` columns of `p`), column-major. */
  scatterTimes(z: Float64Array, l: number): Float64Array {
    const { p, p8 } = this;
    const l8 = this.putPanels(z, l);
    const block = this.block();
    const outBytes = 8 * p8 * l8;
    const at = this.layout([4 * block * l8, 4 * block * p8, outBytes], this.threads, 4 * p * l8);
    this.work(
      (t) => [['zero', at[t]![2]!, outBytes]],
      (c, t) => {
        const [y, xp, out] = at[t] as [number, number, number];
        return [
          ['times', this.rowAt(c.start), this.ld, c.rows, p, this.sharedAt, l, y, xp, block, out],
        ];
      },
    );
    // The threads' float64 sums added and transposed in one pass.
    const parts = at.map((a) => this.arena.f64(a[2]!, p8 * l8));
    const out = new Float64Array(l * p);
    // Eight rows of a part at a time: its reads stay in L1 and each column gets a cache line.
    for (const c of parts) {
      for (let i0 = 0; i0 < p; i0 += 8) {
        const i1 = Math.min(p, i0 + 8);
        for (let j = 0; j < l; j++) {
          const o = j * p;
          for (let i = i0; i < i1; i++) out[o + i] = out[o + i]! + c[i * l8 + j]!;
        }
      }
    }
    return out;
  }
}

/** Runs the work in order on `arena`'s own instance (one thread). */
export function inlineRunner(arena: Arena): Runner {
  const k = arena.kernels as unknown as Record<KernelName, (...a: number[]) => void>;
  const exec = (calls: Call[]) => {
    for (const [fn, ...args] of calls) k[fn](...args);
  };
  return Object.assign(
    (work: Work) => {
      exec(work.each[0] ?? []);
      for (const chunk of work.chunks) exec(chunk[0] ?? []);
    },
    { threads: 1 },
  );
}
