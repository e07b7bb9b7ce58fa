import * as tf from '@tensorflow/tfjs-core';
import {
  assertNumber,
  assertOneOf,
  assertPositiveInt,
  ConfigError,
  DTypeError,
  ShapeError,
} from '@trainkit/core';
import { lbfgs, newton, softmaxRegressionHessian } from '@trainkit/optimizers';

export interface LinearClassifierOptions {
  numClasses: number;
  /** `'softmax'` (cross-entropy) or `'svm'` (multiclass hinge, Weston-Watkins / CS231n). Default `'softmax'`. */
  loss?: 'softmax' | 'svm';
  /** L2 penalty `l2 / 2 * |W|^2` on the weights (not the bias). Default 1e-4. */
  l2?: number;
  /**
   * `'newton'` (exact Hessian, softmax only, at most `newtonMaxParams` parameters), `'lbfgs'`
   * (strong-Wolfe line search), or `'auto'`: Newton when it applies, else L-BFGS. Default `'auto'`.
   */
  optimizer?: 'auto' | 'newton' | 'lbfgs';
  /** Iterations. Default 20 for Newton, 200 for L-BFGS. */
  maxIter?: number;
  /** Largest parameter count Newton is used for. Default 2000. */
  newtonMaxParams?: number;
}

export interface LinearClassifier {
  /** `[D, C]` weights and `[C]` bias (Variables; dispose them, or call `dispose`). */
  W: tf.Variable;
  b: tf.Variable;
  /** Class scores (logits) `x W + b` for codes `[N, D]`. */
  predict(x: tf.Tensor2D): tf.Tensor2D;
  /** Fraction of `labels` equal to the argmax of `predict(x)`. */
  accuracy(x: tf.Tensor2D, labels: tf.Tensor1D): number;
  /** Final training objective (mean loss + penalty). */
  loss: number;
  iterations: number;
  optimizer: 'newton' | 'lbfgs';
  dispose(): void;
}

/**
 * A linear classifier on CNN codes (the lecture's "train a linear classifier on the codes"),
 * fitted by a **second-order** method on the full batch: exact Newton with the closed-form
 * softmax-regression Hessian for small heads, L-BFGS with a strong-Wolfe line search otherwise
 * (and for the SVM's non-smooth hinge). `labels` are int32 class indices.
 *
 * @example
 * const head = await trainLinearClassifier(codes, yTrain, { numClasses: 10, l2: 1e-3 });
 * head.accuracy(testCodes, yTest);
 */
export async function trainLinearClassifier(
  codes: tf.Tensor2D,
  labels: tf.Tensor1D,
  options: LinearClassifierOptions,
): Promise<LinearClassifier> {
  if (!(codes instanceof tf.Tensor) || codes.rank !== 2) {
    throw new ShapeError('codes must be a matrix', {
      argument: 'codes',
      expected: 'a tf.Tensor2D [N, D]',
      received: codes,
    });
  }
  if (!(labels instanceof tf.Tensor) || labels.rank !== 1 || labels.shape[0] !== codes.shape[0]) {
    throw new ShapeError('labels must be one class index per row of codes', {
      argument: 'labels',
      expected: `a tf.Tensor1D of length ${codes.shape[0]}`,
      received: labels,
    });
  }
  if (labels.dtype !== 'int32') {
    throw new DTypeError('labels must be integer class indices', {
      argument: 'labels',
      expected: 'int32',
      received: labels.dtype,
    });
  }
  const C = assertPositiveInt('options.numClasses', options?.numClasses);
  if (C < 2) {
    throw new ConfigError('a classifier needs two or more classes', {
      argument: 'options.numClasses',
      expected: 'an integer >= 2',
      received: C,
    });
  }
  const lossKind = assertOneOf('options.loss', options.loss ?? 'softmax', [
    'softmax',
    'svm',
  ] as const);
  const l2 = assertNumber('options.l2', options.l2 ?? 1e-4, { min: 0 });
  const choice = assertOneOf('options.optimizer', options.optimizer ?? 'auto', [
    'auto',
    'newton',
    'lbfgs',
  ] as const);
  const newtonMax = assertPositiveInt('options.newtonMaxParams', options.newtonMaxParams ?? 2000);
  const D = codes.shape[1];
  const nParams = D * C + C;
  const useNewton =
    choice === 'newton' || (choice === 'auto' && lossKind === 'softmax' && nParams <= newtonMax);
  if (useNewton && lossKind !== 'softmax') {
    throw new ConfigError('Newton needs the softmax loss (the hinge has no Hessian)', {
      argument: 'options.optimizer',
      expected: "'lbfgs' or 'auto' with loss 'svm'",
      received: choice,
    });
  }
  const maxLabel = tf.tidy(() => tf.max(labels).dataSync()[0]!);
  const minLabel = tf.tidy(() => tf.min(labels).dataSync()[0]!);
  if (minLabel < 0 || maxLabel >= C) {
    throw new ConfigError('labels outside [0, numClasses)', {
      argument: 'labels',
      expected: `integers in [0, ${C - 1}]`,
      receivedText: `labels from ${minLabel} to ${maxLabel}`,
    });
  }
  // tidy frees the zeros; Variables survive it.
  const W = tf.tidy(() => tf.variable(tf.zeros([D, C])));
  const b = tf.tidy(() => tf.variable(tf.zeros([C])));
  const oneHot = tf.oneHot(labels, C);
  const objective = (p: tf.NamedTensorMap): tf.Scalar =>
    tf.tidy(() => {
      const scores = tf.add(tf.matMul(codes, p.W as tf.Tensor2D), p.b!);
      let data: tf.Tensor;
      if (lossKind === 'softmax') {
        data = tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(scores)), 1)));
      } else {
        const correct = tf.sum(tf.mul(oneHot, scores), 1, true);
        const margins = tf.relu(tf.add(tf.sub(scores, correct), 1));
        // the j = y_i terms are max(0, 1) = 1 each: remove them
        data = tf.sub(tf.mean(tf.sum(margins, 1)), 1);
      }
      return tf.add(data, tf.mul(l2 / 2, tf.sum(tf.square(p.W!)))) as tf.Scalar;
    });
  let loss: number;
  let iterations: number;
  try {
    if (useNewton) {
      const rows = (await codes.array()) as number[][];
      const res = await newton({
        damping: 1e-6,
        maxIter: options.maxIter ?? 20,
        hessian: softmaxRegressionHessian(rows, { numClasses: C, l2 }),
        maxParams: Math.max(newtonMax, nParams),
      }).minimize(objective, { W, b });
      loss = res.loss;
      iterations = res.iterations;
    } else {
      const res = await lbfgs({
        lineSearch: 'strong-wolfe',
        maxIter: options.maxIter ?? 200,
        tolerance: 1e-6,
      }).step(objective, { W, b });
      loss = res.loss;
      iterations = res.iterations;
    }
  } catch (e) {
    tf.dispose([W, b, oneHot]);
    throw e;
  }
  oneHot.dispose();
  const predict = (x: tf.Tensor2D) => tf.tidy(() => tf.add(tf.matMul(x, W), b) as tf.Tensor2D);
  return {
    W,
    b,
    predict,
    accuracy(x, y) {
      return tf.tidy(() => {
        const hit = tf.equal(tf.argMax(predict(x), 1), tf.cast(y, 'int32'));
        return tf.mean(tf.cast(hit, 'float32')).dataSync()[0]!;
      });
    },
    loss,
    iterations,
    optimizer: useNewton ? 'newton' : 'lbfgs',
    dispose: () => tf.dispose([W, b]),
  };
}
