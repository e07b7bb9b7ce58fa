// Trains a tiny CNN on WebGPU (SwiftShader) and on cpu in headless Chromium; losses must agree.
import { fileURLToPath } from 'node:url';
import { chromiumPath, runInChromium } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';

const CHROMIUM = chromiumPath() ?? '/usr/bin/chromium';
const hasChromium = chromiumPath() !== undefined;
if (!hasChromium) console.log(`skipping WebGPU browser test: ${CHROMIUM} not found`);

interface Run {
  backend: string;
  losses: number[];
  msPerStep: number;
}
interface Result {
  adapter: string | null;
  auto: string;
  cpu: Run;
  webgpu: Run;
}

describe.skipIf(!hasChromium)('WebGPU in headless Chromium', () => {
  it('trains 3 SGD steps on webgpu with the same losses as cpu', async () => {
    const result = await runInChromium<Result>(
      fileURLToPath(new URL('./entry.ts', import.meta.url)),
      'runWebGpuTest',
      { webgpu: true },
    );
    console.log(
      `WebGPU adapter ${result.adapter}; auto picked ${result.auto}; ` +
        `webgpu ${result.webgpu.msPerStep.toFixed(0)} ms/step, cpu ${result.cpu.msPerStep.toFixed(0)} ms/step`,
    );
    expect(result.adapter).toBe('swiftshader');
    expect(result.auto).toBe('webgpu');
    expect(result.webgpu.backend).toBe('webgpu');
    expect(result.cpu.backend).toBe('cpu');
    expect(result.webgpu.losses).toHaveLength(3);
    for (let i = 0; i < 3; i++) {
      const ref = result.cpu.losses[i] as number;
      expect(Number.isFinite(ref)).toBe(true);
      expect(Math.abs((result.webgpu.losses[i] as number) - ref)).toBeLessThanOrEqual(
        1e-4 * Math.abs(ref) + 1e-6,
      );
    }
    // SGD must make progress, so the comparison is not between two constant sequences.
    expect(result.cpu.losses[2]).not.toBe(result.cpu.losses[0]);
  }, 120_000);
});
