import wabt from 'wabt';
import { kernelsWat, linalgWat } from '../src/kernels/wat';

/**
 * The kernels' wasm bytes, assembled from wat.ts by wabt: the data kernels for a shared and a
 * plain memory, and the float64 linear-algebra kernels.
 */
export async function assembleKernels(): Promise<{
  shared: Uint8Array;
  unshared: Uint8Array;
  linalg: Uint8Array;
}> {
  const w = await wabt();
  const assemble = (text: string) => {
    const m = w.parseWat('kernels.wat', text, {
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
  return {
    shared: assemble(kernelsWat(true)),
    unshared: assemble(kernelsWat(false)),
    linalg: assemble(linalgWat()),
  };
}
