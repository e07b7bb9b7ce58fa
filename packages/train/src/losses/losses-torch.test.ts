import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import fixture from '../../fixtures/losses.json';
import { binaryCrossEntropy } from './binary-cross-entropy';
import type { Loss } from './loss';
import { meanSquaredError } from './mean-squared-error';
import { multiclassHinge } from './multiclass-hinge';
import { softmaxCrossEntropy } from './softmax-cross-entropy';

// Reference values from PyTorch 1.13 (scripts/make_loss_fixtures.py).
const value = (loss: Loss, y: tf.Tensor, p: tf.Tensor) => {
  const l = loss(y, p);
  const v = l.dataSync()[0] as number;
  tf.dispose([l, y, p]);
  return v;
};
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
const labels = () => tf.tensor1d(fixture.labels, 'int32');

describe('losses against PyTorch', () => {
  it('softmax cross-entropy (with and without label smoothing) = F.cross_entropy', () => {
    expect(
      rel(value(softmaxCrossEntropy(), labels(), tf.tensor2d(fixture.logits)), fixture.softmax_ce),
    ).toBeLessThan(1e-5);
    const smooth = value(
      softmaxCrossEntropy({ labelSmoothing: 0.2 }),
      labels(),
      tf.tensor2d(fixture.logits),
    );
    expect(rel(smooth, fixture.softmax_ce_smooth_0_2)).toBeLessThan(1e-5);
  });
  it('multiclass hinge = C * F.multi_margin_loss', () => {
    const v = value(multiclassHinge(), labels(), tf.tensor2d(fixture.logits));
    expect(rel(v, fixture.multi_margin_times_C)).toBeLessThan(1e-5);
  });
  it('binary cross-entropy = F.binary_cross_entropy(_with_logits)', () => {
    expect(
      rel(
        value(
          binaryCrossEntropy({ fromLogits: true }),
          tf.tensor2d(fixture.t),
          tf.tensor2d(fixture.z),
        ),
        fixture.bce_logits,
      ),
    ).toBeLessThan(1e-5);
    expect(
      rel(
        value(binaryCrossEntropy(), tf.tensor2d(fixture.t), tf.tensor2d(fixture.p)),
        fixture.bce_probs,
      ),
    ).toBeLessThan(1e-5);
  });
  it('mean squared error = F.mse_loss', () => {
    expect(
      rel(
        value(meanSquaredError(), tf.tensor2d(fixture.yreg), tf.tensor2d(fixture.z)),
        fixture.mse,
      ),
    ).toBeLessThan(1e-5);
  });
});
