import { Arena } from './kernels/arena';
import { type LinalgExports, linalgModule } from './kernels/module';

/**
 * `a Z` for the symmetric row-major `p x p` matrix `a` and a column-major block `Z` (`cols`
 * columns of `p`, each contiguous), column-major, float64: entry (i, j) is `z_j . a_i` (rows of
 * a symmetric matrix are its columns), by {@link ColumnStore.cross} in a memory of its own.
 */
export function multiplySquare(
  a: Float64Array,
  p: number,
  z: Float64Array,
  cols: number,
): Float64Array {
  const store = new ColumnStore(p, p + cols, cols * p, true);
  store.put(a, 0, p);
  store.put(z, p, cols);
  return store.cross(p, 0, cols, p, false);
}

/** `sum_r a[ao + r] b[bo + r]` over `p` values. */
function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, p: number): number {
  let s0 = 0;
  let s1 = 0;
  let r = 0;
  for (; r + 1 < p; r += 2) {
    s0 += a[ao + r]! * b[bo + r]!;
    s1 += a[ao + r + 1]! * b[bo + r + 1]!;
  }
  if (r < p) s0 += a[ao + r]! * b[bo + r]!;
  return s0 + s1;
}

/**
 * Float64 columns of `p` values, `ps` apart (`ps` a multiple of 4, zeros past `p`), in the calling
 * thread's kernel memory: Gram-Schmidt and dot products run in wasm (`orthcol`, `cross`), or in
 * JavaScript where WebAssembly SIMD is missing. One shared store at a time (each starts at the
 * same place in that memory); `own` gives a store a memory of its own.
 */
export class ColumnStore {
  readonly ps: number;
  private readonly plain: Float64Array | undefined;
  private readonly arena: Arena<LinalgExports> | undefined;
  /** The next coordinate vector to try for a vanished column. */
  private next = 0;

  constructor(
    readonly p: number,
    readonly columns: number,
    extra = 0,
    own = false,
  ) {
    const module = linalgModule();
    this.ps = module ? Math.ceil(p / 4) * 4 : p;
    if (module) {
      const bytes = 64 + 8 * (columns * this.ps + extra);
      this.arena = own ? new Arena<LinalgExports>(module, false, bytes) : orthArena(module, bytes);
      this.values.fill(0);
    } else {
      this.plain = new Float64Array(columns * this.ps);
    }
  }

  /** The columns (a fresh view: growing the memory detaches older ones). */
  get values(): Float64Array {
    return this.arena ? this.arena.f64(64, this.columns * this.ps) : (this.plain as Float64Array);
  }

  /** Copies the column-major `z` (`count` columns of `p`) into columns `from ..`. */
  put(z: Float64Array, from: number, count: number): void {
    const { p, ps } = this;
    if (ps === p) this.values.set(z.subarray(0, count * p), from * p);
    else
      for (let c = 0; c < count; c++)
        this.values.set(z.subarray(c * p, (c + 1) * p), (from + c) * ps);
  }

  /** Columns `from .. from + count` as a column-major block of `p`-value columns. */
  get(from: number, count: number): Float64Array {
    const { p, ps } = this;
    if (ps === p) return this.values.slice(from * p, (from + count) * p);
    const out = new Float64Array(count * p);
    for (let c = 0; c < count; c++)
      out.set(this.values.subarray((from + c) * ps, (from + c) * ps + p), c * p);
    return out;
  }

  /**
   * Orthonormalises columns `from .. to` against all columns before each (Gram-Schmidt twice). A
   * column that vanishes against the previous ones (rank-deficient data) is replaced by a
   * coordinate vector orthogonalised the same way, so the basis stays full.
   */
  orthonormalize(from: number, to: number): void {
    const { p, ps, values } = this;
    for (let j = from; j < to; j++) {
      const v = values.subarray(j * ps, j * ps + p);
      let n0 = dot(v, 0, v, 0, p);
      for (let attempt = 0; ; attempt++) {
        const n = this.arena
          ? this.arena.kernels.orthcol(64, ps, j)
          : orthogonalizeColumn(values, p, j);
        if (n > 1e-24 * n0 && n > 0) {
          const inv = 1 / Math.sqrt(n);
          for (let r = 0; r < p; r++) v[r] = v[r]! * inv;
          break;
        }
        if (attempt >= p) throw new Error('orthonormalize: no independent direction left');
        v.fill(0);
        v[this.next++ % p] = 1;
        n0 = 1;
      }
    }
  }

  /**
   * The `na x nb` dot products of columns `a ..` with columns `b ..` (symmetric `na x na`,
   * mirrored from the upper triangle, when `upper`).
   */
  cross(a: number, b: number, na: number, nb: number, upper: boolean): Float64Array {
    const { p, ps } = this;
    let out: Float64Array;
    if (this.arena) {
      const at = 64 + 8 * this.columns * ps;
      this.arena.kernels.cross(64 + 8 * a * ps, 64 + 8 * b * ps, ps, na, nb, at, upper ? 1 : 0);
      out = this.arena.f64(at, na * nb).slice();
    } else {
      out = new Float64Array(na * nb);
      for (let i = 0; i < na; i++)
        for (let j = upper ? i : 0; j < nb; j++)
          out[i * nb + j] = dot(this.values, (a + i) * ps, this.values, (b + j) * ps, p);
    }
    if (upper)
      for (let i = 0; i < na; i++) for (let j = 0; j < i; j++) out[i * nb + j] = out[j * nb + i]!;
    return out;
  }
}

/**
 * Orthonormal basis of the columns of a column-major block (`cols` columns of `p`, each
 * contiguous): Gram-Schmidt with one full re-orthogonalisation ("twice is enough", Giraud et
 * al. 2005), in float64 by the wasm SIMD kernel `orthcol` (JavaScript where WebAssembly SIMD is
 * missing). A column that vanishes against the previous ones (rank-deficient data) is replaced
 * by a coordinate vector orthogonalised the same way, so the basis stays full.
 */
export function orthonormalize(y: Float64Array, p: number, cols: number): Float64Array {
  const store = new ColumnStore(p, cols);
  store.put(y, 0, cols);
  store.orthonormalize(0, cols);
  return store.get(0, cols);
}

/**
 * Column `j` of the column-contiguous `t` (`p` rows per column) orthogonalised against columns
 * `0 .. j-1`, twice; returns its squared norm. (The wasm kernel `orthcol` does the same.)
 */
function orthogonalizeColumn(t: Float64Array, p: number, j: number): number {
  const v = j * p;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < j; i++) {
      const d = dot(t, i * p, t, v, p);
      for (let r = 0; r < p; r++) t[v + r] = t[v + r]! - d * t[i * p + r]!;
    }
  }
  return dot(t, v, t, v, p);
}

let orthMemory: Arena<LinalgExports> | undefined;

/** The calling thread's kernel memory for {@link ColumnStore}, grown to `bytes`. */
function orthArena(module: WebAssembly.Module, bytes: number): Arena<LinalgExports> {
  orthMemory ??= new Arena<LinalgExports>(module, false, bytes);
  orthMemory.ensure(bytes);
  return orthMemory;
}
