// Browser entry for the kernels test: bundled by esbuild, run on a page's main thread in
// headless Chromium (where modules over 4 KB may not compile synchronously).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { kernelModule, linalgModule } from '@trainkit/linalg';
import { backendRows, kernelRows, rowsEngine, setRowsEngine } from '../../src/centered-rows';
import { PCA } from '../../src/pca';

/** 3,000 x 100 rows with a decaying spectrum (a seeded LCG, so the page and Node agree). */
function data(n: number, p: number): Float32Array {
  let s = 12345;
  const u = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296 - 0.5;
  };
  const x = new Float32Array(n * p);
  for (let r = 0; r < n; r++) for (let j = 0; j < p; j++) x[r * p + j] = u() / (1 + j / 10) + 2;
  return x;
}

async function run() {
  await tf.setBackend('cpu');
  const n = 3000;
  const p = 100;
  const x = tf.tensor2d(data(n, p), [n, p]);
  const fit = () => {
    const pca = new PCA({ nComponents: 10, whiten: true }).fit(x);
    const z = pca.transform(x); // 300,000 values: through the engine's kernels when it has them
    const out = {
      solver: pca.fittedSolver,
      explainedVariance: Array.from(pca.explainedVariance),
      z: Array.from(z.dataSync().subarray(0, 200)),
    };
    z.dispose();
    return out;
  };
  const compiled = kernelModule(false) !== undefined && linalgModule() !== undefined;
  const defaultIsKernels = rowsEngine() === kernelRows;
  const kernels = fit();
  setRowsEngine(backendRows);
  const backend = fit();
  setRowsEngine(undefined);
  x.dispose();
  return { compiled, defaultIsKernels, kernels, backend, tensors: tf.memory().numTensors };
}

(globalThis as unknown as { runKernelsTest: typeof run }).runKernelsTest = run;
