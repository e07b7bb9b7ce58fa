import * as tf from '@tensorflow/tfjs-core';
import {
  assertNumber,
  assertOneOf,
  assertPositiveInt,
  ConfigError,
  type Logs,
  type Params,
  ShapeError,
  type TensorMap,
} from '@trainkit/core';
import { type ModelWithWeights, weightHandles } from './averaging/model-weights';
import type { TrainData } from './batches';
import { evaluateFunction } from './evaluate';
import type { Loss } from './losses/loss';
import { softmaxCrossEntropy } from './losses/softmax-cross-entropy';
import type { Metric } from './metrics/metric';
import type { Forward } from './train-step';

/** A member of an ensemble: a tfjs-layers model (its `predict`) or a function of a batch. */
export type EnsembleMember =
  | { predict(x: tf.Tensor): tf.Tensor | tf.Tensor[] }
  | ((x: tf.Tensor) => tf.Tensor);

export interface EnsembleOptions {
  /**
   * What the members return: `'probabilities'` (default; a softmax head) or `'logits'`
   * (softmax is applied to each member before averaging — probabilities are averaged, never
   * logits).
   */
  output?: 'probabilities' | 'logits';
  /** Non-negative weight of each member (normalised to sum 1). Default: equal weights. */
  weights?: number[];
}

export interface EnsemblePredictOptions {
  /** Examples per forward pass. Default 256. */
  batchSize?: number;
}

export interface EnsembleEvaluateOptions extends EnsemblePredictOptions {
  /** Metrics on the averaged probabilities (`accuracy()`, ...). */
  metrics?: Metric[];
  /** Default: the cross-entropy of the averaged probabilities, `softmaxCrossEntropy({ fromLogits: false })`. */
  loss?: Loss;
}

/**
 * A prediction ensemble: the weighted mean of its members' class probabilities,
 * `p(y | x) = sum_m w_m p_m(y | x)` (Hansen & Salamon 1990; Lakshminarayanan et al. 2017).
 * Inference only (dropout off); every call frees what it does not return.
 */
export class Ensemble {
  /** Number of members. */
  readonly size: number;
  private readonly weights: number[];

  /** @internal use {@link predictionEnsemble} or {@link snapshotEnsemble}. */
  constructor(
    private readonly members: ((x: tf.Tensor) => tf.Tensor)[],
    private readonly output: 'probabilities' | 'logits',
    weights: number[] | undefined,
    private readonly session: <T>(fn: () => T) => T = (fn) => fn(),
  ) {
    this.size = members.length;
    this.weights = normaliseWeights(weights, members.length);
  }

  /**
   * The averaged class probabilities `[n, classes]` of `x` (a new tensor owned by the caller).
   * @example const p = ensemble.predict(xTest); const labels = tf.argMax(p, -1);
   */
  predict(x: tf.Tensor, options: EnsemblePredictOptions = {}): tf.Tensor2D {
    if (!(x instanceof tf.Tensor) || x.rank < 1 || (x.shape[0] as number) < 1) {
      throw new ShapeError('must be a batch of examples', {
        argument: 'x',
        expected: 'a tf.Tensor with at least one example (first dimension)',
        received: x,
      });
    }
    const batchSize = assertPositiveInt('batchSize', options.batchSize ?? 256);
    const n = x.shape[0] as number;
    return this.session(() => {
      let sum: tf.Tensor | undefined;
      try {
        this.members.forEach((member, m) => {
          const probs = tf.tidy(() => {
            const parts: tf.Tensor[] = [];
            for (let start = 0; start < n; start += batchSize) {
              const xb = n <= batchSize ? x : tf.slice(x, start, Math.min(batchSize, n - start));
              parts.push(this.memberProbabilities(member, m, xb));
            }
            return parts.length === 1 ? (parts[0] as tf.Tensor) : tf.concat(parts, 0);
          });
          if (sum && sum.shape[1] !== probs.shape[1]) {
            const c = sum.shape[1];
            probs.dispose();
            throw new ShapeError(`member ${m} predicts another number of classes`, {
              argument: `members[${m}]`,
              expected: `[n, ${c}] outputs like member 0`,
              receivedText: `[n, ${probs.shape[1]}]`,
            });
          }
          const next = tf.tidy(() => {
            const weighted = tf.mul(probs, this.weights[m] as number);
            return sum ? tf.add(sum, weighted) : weighted;
          });
          tf.dispose(sum ? [sum, probs] : [probs]);
          sum = next;
        });
      } catch (e) {
        if (sum) sum.dispose();
        throw e;
      }
      return sum as tf.Tensor2D;
    });
  }

  /**
   * Mean loss (by default the negative log-likelihood of the averaged probabilities) and metrics
   * of the ensemble over `data`, read back once.
   * @example const { loss, acc } = await ensemble.evaluate({ x: xTest, y: yTest }, { metrics: [accuracy()] });
   */
  async evaluate(data: TrainData, options: EnsembleEvaluateOptions = {}): Promise<Logs> {
    const batchSize = assertPositiveInt('batchSize', options.batchSize ?? 256);
    const forward: Forward = (_params, x) => this.predict(x, { batchSize });
    return evaluateFunction({}, forward, data, {
      loss: options.loss ?? softmaxCrossEntropy({ fromLogits: false }),
      metrics: options.metrics ?? [],
      batchSize,
    });
  }

  private memberProbabilities(
    member: (x: tf.Tensor) => tf.Tensor,
    m: number,
    xb: tf.Tensor,
  ): tf.Tensor {
    const y = member(xb);
    const n = xb.shape[0] as number;
    if (!(y instanceof tf.Tensor) || y.rank !== 2 || y.shape[0] !== n) {
      throw new ShapeError(`member ${m} must return one row of class scores per example`, {
        argument: `members[${m}]`,
        expected: `a tensor [${n}, classes]`,
        received: Array.isArray(y) ? 'several outputs' : y,
      });
    }
    return this.output === 'logits' ? tf.softmax(y) : y;
  }
}

/**
 * An ensemble of separately trained models (or functions), averaging their probabilities.
 * @example
 * const ensemble = predictionEnsemble([modelA, modelB, modelC], { output: 'logits' });
 * const { acc } = await ensemble.evaluate({ x: xTest, y: yTest }, { metrics: [accuracy()] });
 */
export function predictionEnsemble(
  members: EnsembleMember[],
  options: EnsembleOptions = {},
): Ensemble {
  if (!Array.isArray(members) || members.length === 0) {
    throw new ConfigError('an ensemble needs members', {
      argument: 'members',
      expected: 'a non-empty array of models or functions (x) => scores',
      received: members,
    });
  }
  const fns = members.map((m, i) => {
    if (typeof m === 'function') return m;
    if (m && typeof (m as { predict?: unknown }).predict === 'function') {
      return (x: tf.Tensor) => {
        const y = (m as { predict(x: tf.Tensor): tf.Tensor | tf.Tensor[] }).predict(x);
        if (Array.isArray(y)) {
          tf.dispose(y);
          throw new ConfigError(`member ${i} has several outputs`, {
            argument: `members[${i}]`,
            expected: 'a model with one output',
          });
        }
        return y;
      };
    }
    throw new ConfigError(`member ${i} cannot predict`, {
      argument: `members[${i}]`,
      expected: 'a model with predict(x) or a function (x) => scores',
      received: m,
    });
  });
  return new Ensemble(fns, outputOf(options), options.weights);
}

/** A model written as a function of its parameters, for {@link snapshotEnsemble}. */
export interface FunctionModel {
  params: Params;
  forward: Forward;
}

/**
 * An ensemble of weight snapshots of one model (checkpoints of one run, see `weightSnapshots`):
 * each member writes its snapshot into the model and predicts; the model's own weights are put
 * back after every call. Snapshots are keyed as `weightSnapshots` keys them (every weight of a
 * model, or the params) and stay owned by the caller.
 * @example
 * const ensemble = snapshotEnsemble(model, snaps.snapshots, { output: 'logits' });
 */
export function snapshotEnsemble(
  model: (ModelWithWeights & { predict(x: tf.Tensor): tf.Tensor | tf.Tensor[] }) | FunctionModel,
  snapshots: readonly TensorMap[],
  options: EnsembleOptions = {},
): Ensemble {
  if (!Array.isArray(snapshots) || snapshots.length === 0) {
    throw new ConfigError('an ensemble needs snapshots', {
      argument: 'snapshots',
      expected: 'a non-empty array of weight maps (weightSnapshots(...).snapshots)',
      received: snapshots,
    });
  }
  const fm = model as FunctionModel;
  const isFunction = model && typeof fm.forward === 'function' && typeof fm.params === 'object';
  if (!isFunction && typeof (model as { predict?: unknown })?.predict !== 'function') {
    throw new ConfigError('not a model', {
      argument: 'model',
      expected: 'a LayersModel or { params, forward }',
      received: model,
    });
  }
  const handles = weightHandles(isFunction ? fm.params : (model as ModelWithWeights), 'model');
  snapshots.forEach((s, i) => {
    for (const [k, h] of Object.entries(handles)) {
      const t = s?.[k];
      if (!(t instanceof tf.Tensor)) {
        throw new ConfigError(`snapshot ${i} has no weight "${k}"`, {
          argument: `snapshots[${i}]`,
          expected: `the model's ${Object.keys(handles).length} weights`,
          received: Object.keys(s ?? {}),
        });
      }
      const shape = h.read().shape;
      if (t.shape.join() !== shape.join()) {
        throw new ShapeError(`snapshot ${i} weight "${k}" has another shape`, {
          argument: `snapshots[${i}]["${k}"]`,
          expected: `[${shape.join(', ')}]`,
          receivedText: `[${t.shape.join(', ')}]`,
        });
      }
    }
  });
  const predictOne = isFunction
    ? (x: tf.Tensor) => fm.forward(fm.params, x, { training: false })
    : (x: tf.Tensor) => (model as { predict(x: tf.Tensor): tf.Tensor }).predict(x);
  let loaded = -1;
  const members = snapshots.map((s, i) => (x: tf.Tensor) => {
    if (loaded !== i) {
      for (const [k, h] of Object.entries(handles)) h.write(s[k] as tf.Tensor);
      loaded = i;
    }
    return predictOne(x);
  });
  // Keep the model's own weights aside for the duration of a prediction.
  const session = <T>(fn: () => T): T => {
    const saved = Object.fromEntries(
      Object.entries(handles).map(([k, h]) => [k, tf.clone(h.read())]),
    );
    loaded = -1;
    try {
      return fn();
    } finally {
      for (const [k, h] of Object.entries(handles)) h.write(saved[k] as tf.Tensor);
      tf.dispose(Object.values(saved));
      loaded = -1;
    }
  };
  return new Ensemble(members, outputOf(options), options.weights, session);
}

function outputOf(options: EnsembleOptions): 'probabilities' | 'logits' {
  return assertOneOf('output', options?.output ?? 'probabilities', [
    'probabilities',
    'logits',
  ] as const);
}

function normaliseWeights(weights: number[] | undefined, m: number): number[] {
  if (weights === undefined) return new Array<number>(m).fill(1 / m);
  if (!Array.isArray(weights) || weights.length !== m) {
    throw new ConfigError('one weight per member', {
      argument: 'weights',
      expected: `${m} non-negative numbers`,
      received: weights,
    });
  }
  const w = weights.map((v, i) => assertNumber(`weights[${i}]`, v, { min: 0 }));
  const total = w.reduce((a, b) => a + b, 0);
  if (!(total > 0)) {
    throw new ConfigError('the weights sum to zero', {
      argument: 'weights',
      expected: 'at least one positive weight',
      received: weights,
    });
  }
  return w.map((v) => v / total);
}
