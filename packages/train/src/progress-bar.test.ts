import * as tf from '@tensorflow/tfjs-core';
import { ValueRangeError } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { blobs } from '../test/blobs';
import { testSgd } from '../test/tiny-optimizers';
import { fitFunction } from './fit-function';
import { softmaxCrossEntropy } from './losses/softmax-cross-entropy';
import { accuracy } from './metrics/accuracy';
import { progressBar } from './progress-bar';

describe('progressBar', () => {
  it('draws epoch, bar, loss, acc and ETA on a terminal', async () => {
    const out: string[] = [];
    const stream = { isTTY: true, write: (s: string) => out.push(s) };
    const data = blobs(12);
    const p = { w: tf.variable(tf.zeros([2, 3])) };
    await expectNoLeaks(() =>
      fitFunction(p, (q, x) => tf.matMul(x, q.w as tf.Tensor), data, {
        loss: softmaxCrossEntropy(),
        metrics: [accuracy()],
        optimizer: testSgd(0.1),
        epochs: 2,
        batchSize: 4,
        progress: false,
        listeners: [progressBar({ stream, minIntervalMs: 0, width: 6, force: true })],
      }),
    );
    const text = out.join('');
    expect(text).toMatch(/epoch 1\/2 \[=*> *\] 1\/3 loss 1\.0986 acc \d\.\d{4} ETA/);
    expect(text).toMatch(/epoch 2\/2 .*loss \d\.\d{4}\s+acc \d\.\d{4}\S*\n/);
    tf.dispose([p.w, data.x, data.y]);
  });

  it('stays silent when the stream is not a TTY', () => {
    expect(progressBar({ stream: { isTTY: false, write: () => undefined } })).toEqual({});
    expect(() => progressBar({ width: 0 })).toThrow(ValueRangeError);
  });
});
