// Evaluation at the end of a run: accuracy, confusion matrix, misclassified examples.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Dataset } from '@trainkit/data';
import type { Evaluation } from './protocol';

/**
 * Accuracy, confusion matrix (`[true][predicted]`) and up to 16 misclassified examples (with
 * their pixels, for display) of a logits model on the first `limit` examples of `val`, whose
 * values are in [0, 1].
 */
export async function evaluateOn(
  model: tfl.LayersModel,
  val: Dataset,
  limit: number,
): Promise<Evaluation> {
  const n = Math.min(limit, val.size);
  const part = val.subset(Array.from({ length: n }, (_, i) => i));
  const k = val.numClasses;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const predicted = new Int32Array(n);
  let offset = 0;
  for await (const { x } of part.batches(64)) {
    const p = tf.tidy(() => tf.argMax(model.predict(x) as tf.Tensor, -1));
    predicted.set(await p.data(), offset);
    offset += x.shape[0]!;
    p.dispose();
  }
  const misclassified: Evaluation['misclassified'] = [];
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const label = part.y[i]!;
    const pred = predicted[i]!;
    if (label < k && pred < k) confusion[label]![pred]! += 1;
    if (label === pred) correct++;
    else if (misclassified.length < 16) {
      const e = part.exampleSize;
      const pixels = Array.from(part.x.subarray(i * e, (i + 1) * e), (v) => Math.round(v * 255));
      misclassified.push({ index: i, label, predicted: pred, pixels });
    }
  }
  return { accuracy: n > 0 ? correct / n : Number.NaN, confusion, misclassified, count: n };
}
