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
