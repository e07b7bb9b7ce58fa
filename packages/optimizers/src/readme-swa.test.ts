import { fileURLToPath } from 'node:url';
import { markedBody, readmeBlock, withoutImports } from '@trainkit/test-utils';
import { expect, it } from 'vitest';
import { chain, cosineDecay, ema, scaleByLearningRate, swaSchedule } from './index';

const here = fileURLToPath(import.meta.url);
const readme = fileURLToPath(new URL('../README.md', import.meta.url));

it('the README SWA schedule example is this test, and it prints what it says', () => {
  expect(withoutImports(readmeBlock(readme, '### Weight averaging'))).toBe(markedBody(here));
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.join(' '));
  try {
    // README:begin
    const stepsPerEpoch = 100;
    // cosine decay for 6 epochs, then from epoch 6 a cosine descent over one epoch to 0.01, held
    const lr = swaSchedule({
      schedule: cosineDecay({ initialValue: 0.1, decaySteps: 8 * stepsPerEpoch }),
      start: 6 * stepsPerEpoch,
      swaLearningRate: 0.01,
      annealSteps: stepsPerEpoch,
    });
    console.log([0, 300, 600, 650, 700, 900].map((s) => lr(s).toFixed(4)).join(' '));
    // -> 0.1000 0.0691 0.0146 0.0123 0.0100 0.0100

    // optax's ema of the updates (here: of the gradients, momentum in its EMA form)
    const smoothed = chain(ema({ decay: 0.9 }), scaleByLearningRate({ learningRate: lr }));
    console.log(smoothed.toJSON().kind);
    // README:end
  } finally {
    console.log = log;
  }
  expect(lines).toEqual(['0.1000 0.0691 0.0146 0.0123 0.0100 0.0100', 'optimizers.chain']);
});
