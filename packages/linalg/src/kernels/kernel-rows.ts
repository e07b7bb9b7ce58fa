import { NaNError } from '@trainkit/core';
import { type Arena, align, DATA_AT, dataBytes } from './arena';
import { type Call, type Runner, type Slice, slices } from './runner';

/** Chunks of rows per thread a runner's work is split into (see `Work` in runner.ts). */
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
