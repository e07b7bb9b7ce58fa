import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTorchBench } from './bench';

describe('bench: the PyTorch reference', () => {
  it('is the package own python/torch_bench.py, never a file planted where the command runs', () => {
    const cwd = process.cwd();
    const planted = mkdtempSync(join(tmpdir(), 'trainkit-planted-'));
    mkdirSync(join(planted, 'bench'));
    writeFileSync(join(planted, 'bench', 'torch_bench.py'), 'raise SystemExit("planted")\n');
    process.chdir(planted);
    try {
      const found = findTorchBench();
      expect(found).toBeDefined();
      expect(found?.endsWith(`${sep}cli${sep}python${sep}torch_bench.py`)).toBe(true);
      expect(found?.startsWith(planted)).toBe(false);
    } finally {
      process.chdir(cwd);
    }
  });
});
