import * as tf from '@tensorflow/tfjs-core';
import { fromJSON, isTrainkitError, type Params } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { type EarlyStopping, earlyStopping } from './early-stopping';
import { registerRegularizerKinds } from './registry';

/** Feeds a synthetic sequence of epoch logs; returns the epoch at which stop was requested. */
function run(
  es: EarlyStopping,
  values: number[],
  opts: { monitor?: string; params?: Params; perEpoch?: (epoch: number) => void } = {},
): number | undefined {
  let stoppedAt: number | undefined;
  const stopTraining = () => {};
  es.onTrainBegin?.({
    params: opts.params ?? {},
    epochs: values.length,
    initialStep: 0,
    stopTraining,
  });
  for (let epoch = 0; epoch < values.length; epoch++) {
    opts.perEpoch?.(epoch);
    es.onEpochEnd?.({
      epoch,
      step: epoch * 10,
      logs: { loss: 1, [opts.monitor ?? 'val_loss']: values[epoch]! },
      stopTraining: () => {
        stoppedAt = epoch;
      },
    });
    if (stoppedAt !== undefined) break;
  }
  es.onTrainEnd?.({ epoch: stoppedAt ?? values.length - 1, step: 0, logs: {} });
  void stopTraining;
  return stoppedAt;
}

describe('earlyStopping', () => {
  it('stops after `patience` epochs without improvement of val_loss', () => {
    const es = earlyStopping({ patience: 2 });
    // best 0.5 at epoch 2; epochs 3 and 4 do not improve -> stop at 4.
    expect(run(es, [1, 0.8, 0.5, 0.6, 0.55, 0.1])).toBe(4);
    expect(es.best).toBe(0.5);
    expect(es.bestEpoch).toBe(2);
    expect(es.stoppedEpoch).toBe(4);
  });

  it('patience 0 stops at the first epoch that does not improve', () => {
    expect(run(earlyStopping({ patience: 0 }), [3, 2, 2, 1])).toBe(2);
  });

  it('never stops while the metric keeps improving', () => {
    const es = earlyStopping({ patience: 0 });
    expect(run(es, [5, 4, 3, 2, 1])).toBeUndefined();
    expect(es.stoppedEpoch).toBe(-1);
  });

  it('minDelta: changes smaller than minDelta are not improvements', () => {
    // 1 -> 0.95 is a change of 0.05 < 0.1: no improvement; 0.85 is.
    const es = earlyStopping({ patience: 2, minDelta: 0.1 });
    expect(run(es, [1, 0.95, 0.85, 0.8, 0.78])).toBe(4);
    expect(es.best).toBe(0.85);
  });

  it("mode 'max' (and 'auto' on an accuracy metric) looks for increases", () => {
    const seq = [0.5, 0.7, 0.6, 0.65, 0.9];
    expect(
      run(earlyStopping({ monitor: 'val_acc', patience: 2 }), seq, { monitor: 'val_acc' }),
    ).toBe(3);
    const max = earlyStopping({ monitor: 'score', mode: 'max', patience: 2 });
    expect(run(max, seq, { monitor: 'score' })).toBe(3);
    expect(max.best).toBe(0.7);
    // The same sequence under 'min' stops at epoch 2 (0.7 and 0.6 > 0.5).
    expect(
      run(earlyStopping({ monitor: 'score', mode: 'min', patience: 2 }), seq, { monitor: 'score' }),
    ).toBe(2);
  });

  it('baseline: the patience counter resets only once the baseline is beaten', () => {
    // Never below the baseline 0.5: the first epoch's "improvement" does not reset the count.
    expect(run(earlyStopping({ patience: 2, baseline: 0.5 }), [0.9, 0.95, 0.97])).toBe(1);
    expect(run(earlyStopping({ patience: 2 }), [0.9, 0.95, 0.97])).toBe(2);
    // Beats the baseline at epoch 1, then patience counts from there.
    expect(
      run(earlyStopping({ patience: 2, baseline: 0.5 }), [0.9, 0.4, 0.45, 0.3, 0.35, 0.36]),
    ).toBe(5);
  });

  it('a NaN value counts as no improvement', () => {
    expect(run(earlyStopping({ patience: 1 }), [1, Number.NaN, 2])).toBe(1);
  });

  it('restoreBestWeights writes the parameters of the best epoch back at train end', async () => {
    const w = tf.variable(tf.scalar(0));
    const b = tf.variable(tf.tensor1d([0, 0]));
    const params = { 'dense/kernel': w, 'dense/bias': b };
    const es = earlyStopping({ patience: 2, restoreBestWeights: true });
    await expectNoLeaks(() =>
      run(es, [1, 0.2, 0.5, 0.6], {
        params,
        // Parameters at epoch e are (e + 1) * 10: the best epoch 1 has 20.
        perEpoch: (e) => {
          tf.tidy(() => {
            w.assign(tf.scalar((e + 1) * 10));
            b.assign(tf.fill([2], -(e + 1)));
          });
        },
      }),
    );
    expect(w.dataSync()[0]).toBe(20);
    expect([...b.dataSync()]).toEqual([-2, -2]);
    tf.dispose([w, b]);
  });

  it('without restoreBestWeights the final parameters stay', () => {
    const w = tf.variable(tf.scalar(0));
    run(earlyStopping({ patience: 1 }), [1, 2, 3], {
      params: { w },
      perEpoch: (e) => tf.tidy(() => w.assign(tf.scalar(e))),
    });
    expect(w.dataSync()[0]).toBe(1);
    w.dispose();
  });

  it('throws a typed error naming the monitor when it is missing from the logs', () => {
    const es = earlyStopping({ monitor: 'val_auc' });
    es.onTrainBegin?.({ params: {}, epochs: 1, initialStep: 0, stopTraining: () => {} });
    expect(() =>
      es.onEpochEnd?.({ epoch: 0, step: 0, logs: { loss: 1 }, stopTraining: () => {} }),
    ).toThrow(/monitor.*loss.*val_auc/);
  });

  it('rejects patience < 0, non-integer patience, negative minDelta, bad mode', () => {
    const bad = [
      () => earlyStopping({ patience: -1 }),
      () => earlyStopping({ patience: 1.5 }),
      () => earlyStopping({ minDelta: -0.1 }),
      () => earlyStopping({ mode: 'up' as 'min' }),
      () => earlyStopping({ monitor: '' }),
      () => earlyStopping({ baseline: Number.NaN }),
      () => earlyStopping({ restoreBestWeights: 'yes' as unknown as boolean }),
    ];
    const names = [
      'patience',
      'patience',
      'minDelta',
      'mode',
      'monitor',
      'baseline',
      'restoreBestWeights',
    ];
    bad.forEach((f, i) => {
      try {
        f();
        throw new Error('no error');
      } catch (e) {
        expect(isTrainkitError(e)).toBe(true);
        expect((e as Error).message).toContain(names[i]);
      }
    });
  });

  it('round-trips through JSON', () => {
    registerRegularizerKinds();
    const es = earlyStopping({
      monitor: 'val_acc',
      mode: 'max',
      patience: 3,
      minDelta: 0.01,
      baseline: 0.8,
      restoreBestWeights: true,
    });
    const again = fromJSON<EarlyStopping>(JSON.parse(JSON.stringify(es.toJSON())));
    expect(again.toJSON()).toEqual(es.toJSON());
    expect(fromJSON<EarlyStopping>(earlyStopping().toJSON()).toJSON()).toEqual(
      earlyStopping().toJSON(),
    );
  });
});
