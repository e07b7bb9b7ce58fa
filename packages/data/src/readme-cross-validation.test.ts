import { fileURLToPath } from 'node:url';
import { markedBody, readmeBlock, withoutImports } from '@trainkit/test-utils';
import { expect, it } from 'vitest';
import { crossValidationSplits, Dataset, kFold, stratifiedKFold } from './index';

const here = fileURLToPath(import.meta.url);
const readme = fileURLToPath(new URL('../README.md', import.meta.url));

it('the README cross-validation example is this test, and it prints what it says', () => {
  expect(withoutImports(readmeBlock(readme, '## Cross-validation'))).toBe(markedBody(here));
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.map((v) => JSON.stringify(v)).join(' '));
  try {
    // README:begin
    // 100 examples, class 1 is rare (10 %); example i holds the value i
    const y = Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? 1 : 0));
    const ds = new Dataset({ x: Float32Array.from({ length: 100 }, (_, i) => i), y, shape: [1] });

    // scikit-learn's KFold: consecutive blocks, the first n % k one example larger
    console.log(kFold(10, { k: 3 }).map((f) => Array.from(f.validation)));
    // -> [[0,1,2,3],[4,5,6],[7,8,9]]

    // StratifiedKFold: every validation fold keeps the 90 / 10 proportion
    for (const { train, validation } of stratifiedKFold(ds.y, { k: 5, shuffle: true, rng: 0 })) {
      console.log(train.length, validation.length, ds.subset(validation).histogram());
    } // -> 80 20 [18,2], five times

    // the same folds as datasets, made one at a time
    for (const { fold, train, validation } of crossValidationSplits(ds, {
      k: 5,
      stratify: true,
      shuffle: true,
      rng: 0,
    })) {
      console.log(fold, train.size, validation.histogram());
    }
    // README:end
  } finally {
    console.log = log;
  }
  expect(lines[0]).toBe('[[0,1,2,3],[4,5,6],[7,8,9]]');
  expect(lines.slice(1, 6)).toEqual(new Array(5).fill('80 20 [18,2]'));
  expect(lines.slice(6)).toEqual([0, 1, 2, 3, 4].map((f) => `${f} 80 [18,2]`));
});
