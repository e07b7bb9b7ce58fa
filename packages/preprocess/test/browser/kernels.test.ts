// PCA on the kernels in headless Chromium, against the tfjs engine on the same page.
import { fileURLToPath } from 'node:url';
import { chromiumPath, runInChromium } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../helpers';

const CHROMIUM = chromiumPath();
if (!CHROMIUM)
  console.log('skipping the preprocess browser test: no chromium (apt-get install chromium)');

interface Fit {
  solver: string;
  explainedVariance: number[];
  z: number[];
}
interface Result {
  compiled: boolean;
  defaultIsKernels: boolean;
  kernels: Fit;
  backend: Fit;
  tensors: number;
}

describe.skipIf(!CHROMIUM)('preprocess kernels in headless Chromium', () => {
  it('compiles on the main thread, is the default engine, and fits and transforms as tfjs does', async () => {
    const result = await runInChromium<Result>(
      fileURLToPath(new URL('./entry.ts', import.meta.url)),
      'runKernelsTest',
    );
    expect(result.compiled).toBe(true);
    expect(result.defaultIsKernels).toBe(true);
    expect(result.kernels.solver).toBe('randomized');
    expectClose(result.kernels.explainedVariance, result.backend.explainedVariance, 1e-5);
    // Whitened projections: the same up to each component's sign.
    const k = 10;
    const signs = Array.from({ length: k }, (_, j) =>
      Math.sign(result.kernels.z[j]! * result.backend.z[j]!),
    );
    expectClose(
      result.kernels.z.map((v, i) => v * signs[i % k]!),
      result.backend.z,
      1e-3,
    );
    expect(result.tensors).toBe(0);
  }, 120_000);
});
