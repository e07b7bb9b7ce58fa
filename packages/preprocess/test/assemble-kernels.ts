import wabt from 'wabt';
import { kernelsWat } from '../src/kernels/wat';

/** The kernels' wasm bytes, shared-memory and plain variants, assembled from wat.ts by wabt. */
export async function assembleKernels(): Promise<{ shared: Uint8Array; unshared: Uint8Array }> {
  const w = await wabt();
  const build = (shared: boolean) => {
    const m = w.parseWat('kernels.wat', kernelsWat(shared), {
      simd: true,
      threads: true,
      bulk_memory: true,
    });
    try {
      return m.toBinary({ log: false, canonicalize_lebs: true, write_debug_names: false }).buffer;
    } finally {
      m.destroy();
    }
  };
  return { shared: build(true), unshared: build(false) };
}
