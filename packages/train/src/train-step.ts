import * as tf from '@tensorflow/tfjs-core';
import type { Params, Penalty, TensorMap } from '@trainkit/core';
import type { Batch } from './batches';
import type { FitOptimizer } from './fit-optimizer';
import type { Loss } from './losses/loss';
import type { Metric } from './metrics/metric';
import type { ShardSource } from './shards';

/** A model as a function of its parameters. `training` switches dropout and the like. */
export type Forward = (params: Params, x: tf.Tensor, options: { training: boolean }) => tf.Tensor;

/** The device-side pieces a training run owns; built once, disposed at the end. */
export interface StepContext {
  params: Params;
  vars: tf.Variable[];
  /** tfjs Variable name -> params key. */
  keyOf: Map<string, string>;
  forward: Forward;
  loss: Loss;
  metrics: Metric[];
  penalties: Penalty[];
  /** The optimizer and its state (accumulation, the non-finite skip and constraints included). */
  optimizer: FitOptimizer;
  /** Epoch sums (loss and metrics, weighted by batch size), read once per epoch. */
  sums: Record<string, tf.Variable>;
  /** The other replicas of a data-parallel run (undefined: this engine computes every batch). */
  shards?: ShardSource;
}

export interface StepOutput {
  loss: tf.Scalar;
  /** 1 when the step's loss and gradients were finite, else 0 (read it a step later). */
  finite: tf.Tensor;
  metrics: Record<string, tf.Scalar>;
  grads?: TensorMap;
  updates?: TensorMap;
}

/**
 * One forward/backward pass and one call of the optimizer (which may hold the update back for
 * gradient accumulation, or skip it when not finite). The returned tensors are the caller's to
 * dispose; `lend` keeps the gradients, and the updates of a step that applies one, for listeners.
 */
export function trainStep(c: StepContext, batch: Batch, lend: boolean): StepOutput {
  const applies = c.optimizer.applies;
  const out = tf.tidy((): tf.TensorContainer => {
    const { value, grads, metrics } = gradients(c, batch);
    const bs = batch.x.shape[0] as number;
    c.sums.loss?.assign(tf.add(c.sums.loss, tf.mul(value, bs)));
    for (const [k, m] of Object.entries(metrics))
      c.sums[k]?.assign(tf.add(c.sums[k] as tf.Tensor, tf.mul(m, bs)));
    return { loss: value, metrics, grads: foldLoss(grads, value) } as unknown as tf.TensorContainer;
  }) as unknown as { loss: tf.Scalar; metrics: Record<string, tf.Scalar>; grads: TensorMap };
  const updates = c.optimizer.update(out.grads, lend && applies);
  const result: StepOutput = {
    loss: out.loss,
    metrics: out.metrics,
    finite: tf.clone(c.optimizer.lastFinite),
  };
  if (lend) {
    result.grads = out.grads;
    if (updates) result.updates = updates;
  } else tf.dispose(Object.values(out.grads));
  return result;
}

/**
 * Makes the optimizer's finiteness check cover the loss too: `0 * loss` (NaN exactly when the
 * loss is not finite) is added to the smallest gradient, so a non-finite loss skips the update
 * even where its gradients happen to be finite.
 */
function foldLoss(grads: TensorMap, loss: tf.Scalar): TensorMap {
  let smallest: string | undefined;
  for (const [k, g] of Object.entries(grads))
    if (smallest === undefined || g.size < (grads[smallest] as tf.Tensor).size) smallest = k;
  if (smallest === undefined) return grads;
  return { ...grads, [smallest]: tf.add(grads[smallest] as tf.Tensor, tf.mul(loss, 0)) };
}

interface Gradients {
  value: tf.Scalar;
  grads: TensorMap;
  metrics: Record<string, tf.Scalar>;
}

/** Loss (penalties included), gradients by params key and metrics of a batch; inside a tidy. */
function gradients(c: StepContext, batch: Batch): Gradients {
  const n = batch.x.shape[0] as number;
  const own = c.shards ? c.shards.start(batch) : n;
  if (own < n) return shardedGradients(c, batch, own);
  const metrics: Record<string, tf.Scalar> = {};
  const { value, grads: byVar } = tf.variableGrads(() => {
    const yPred = c.forward(c.params, batch.x, { training: true });
    let total = c.loss(batch.y, yPred);
    for (const m of c.metrics) metrics[m.name] = tf.keep(m(batch.y, yPred));
    for (const p of c.penalties) total = tf.add(total, p(c.params));
    return total;
  }, c.vars);
  const grads: TensorMap = {};
  for (const [vn, g] of Object.entries(byVar)) grads[c.keyOf.get(vn) as string] = g;
  return { value, grads, metrics };
}

/**
 * Data parallel: this engine differentiates (own / n) x the mean loss of the first `own`
 * examples plus the penalties, the other replicas their shards (started by `gradients`); the sum
 * is the gradient of the batch-mean loss plus penalties. The loss and metrics are computed on the
 * predictions of all shards together, so the logs are those of the whole batch.
 */
function shardedGradients(c: StepContext, batch: Batch, own: number): Gradients {
  const shards = c.shards as ShardSource;
  const n = batch.x.shape[0] as number;
  let pred0: tf.Tensor | undefined;
  let penalty: tf.Tensor | undefined;
  let byVar: tf.NamedTensorMap;
  try {
    ({ grads: byVar } = tf.variableGrads(() => {
      const x0 = tf.slice(batch.x, 0, own);
      const y0 = tf.slice(batch.y, 0, own);
      pred0 = tf.keep(c.forward(c.params, x0, { training: true }));
      let pen: tf.Tensor = tf.scalar(0);
      for (const p of c.penalties) pen = tf.add(pen, p(c.params));
      penalty = tf.keep(pen);
      return tf.add(tf.mul(c.loss(y0, pred0), own / n), pen) as tf.Scalar;
    }, c.vars));
  } catch (e) {
    // The other replicas were started: collect them before rethrowing.
    tf.dispose(Object.values(shards.finish()));
    tf.dispose([pred0 as tf.Tensor, penalty as tf.Tensor].filter(Boolean));
    throw e;
  }
  const rest = shards.finish();
  const grads: TensorMap = {};
  for (const [vn, g] of Object.entries(byVar)) {
    const key = c.keyOf.get(vn) as string;
    const other = rest.grads[key];
    grads[key] = other ? tf.add(g, other) : g;
  }
  const yPred = tf.concat([pred0 as tf.Tensor, rest.predictions]);
  const value = tf.add(c.loss(batch.y, yPred), penalty as tf.Tensor) as tf.Scalar;
  const metrics: Record<string, tf.Scalar> = {};
  for (const m of c.metrics) metrics[m.name] = m(batch.y, yPred);
  tf.dispose([pred0 as tf.Tensor, penalty as tf.Tensor]);
  return { value, grads, metrics };
}
