import * as tf from '@tensorflow/tfjs-core';
import {
  type Constraint,
  type GradientTransformation,
  matchesName,
  type Params,
  type Penalty,
  type TensorMap,
} from '@trainkit/core';
import type { Batch } from './batches';
import { gate } from './gate';
import type { Loss } from './losses/loss';
import type { Metric } from './metrics/metric';
import type { OptimizerState } from './optimizer-state';
import type { ShardSource } from './shards';

/** A model as a function of its parameters. `training` switches dropout and the like. */
export type Forward = (params: Params, x: tf.Tensor, options: { training: boolean }) => tf.Tensor;

/** The device-side pieces a training run owns; built once, disposed at the end. */
export interface StepContext {
  params: Params;
  names: string[];
  vars: tf.Variable[];
  /** tfjs Variable name -> params key. */
  keyOf: Map<string, string>;
  forward: Forward;
  loss: Loss;
  metrics: Metric[];
  penalties: Penalty[];
  constraints: Constraint[];
  optimizer: GradientTransformation;
  state: OptimizerState;
  /**
   * 1 while every step so far had a finite loss, then 0 for good. Updates are gated on it on the
   * device, so the weights stay the last good ones even though the host learns of a NaN a step late.
   */
  healthy: tf.Variable;
  /** Epoch sums (loss and metrics, weighted by batch size), read once per epoch. */
  sums: Record<string, tf.Variable>;
  accumulateSteps: number;
  accumulated?: Record<string, tf.Variable>;
  /** The other replicas of a data-parallel run (undefined: this engine computes every batch). */
  shards?: ShardSource;
}

export interface StepOutput {
  loss: tf.Scalar;
  ok: tf.Tensor;
  metrics: Record<string, tf.Scalar>;
  grads?: TensorMap;
  updates?: TensorMap;
}

/**
 * One forward/backward pass, and an update when `apply` (the last micro-batch of an accumulation
 * group). Everything runs in one `tf.tidy`; the returned tensors are the caller's to dispose.
 * `lend` keeps the gradients and updates for listeners.
 */
export function trainStep(
  c: StepContext,
  batch: Batch,
  step: number,
  apply: boolean,
  lend: boolean,
): StepOutput {
  return tf.tidy((): tf.TensorContainer => {
    const { value, grads, metrics } = gradients(c, batch);
    const ok = tf.logicalAnd(tf.greater(c.healthy, 0), tf.isFinite(value));
    c.healthy.assign(tf.cast(ok, 'float32'));
    const bs = batch.x.shape[0] as number;
    c.sums.loss?.assign(tf.add(c.sums.loss, tf.mul(value, bs)));
    for (const [k, m] of Object.entries(metrics))
      c.sums[k]?.assign(tf.add(c.sums[k] as tf.Tensor, tf.mul(m, bs)));

    let g = grads;
    if (c.accumulated) {
      // Gradient accumulation: sum micro-batch gradients, apply their mean every k batches.
      const acc = c.accumulated;
      g = {};
      for (const k of c.names) {
        const sum = tf.add(acc[k] as tf.Variable, grads[k] as tf.Tensor);
        if (apply) {
          g[k] = tf.div(sum, c.accumulateSteps);
          (acc[k] as tf.Variable).assign(tf.zerosLike(sum));
        } else (acc[k] as tf.Variable).assign(gate(ok, sum, acc[k] as tf.Variable));
      }
    }
    const updates = apply ? applyUpdate(c, g, step, ok) : undefined;
    const out: StepOutput = { loss: value, ok, metrics };
    if (lend) {
      out.grads = g;
      if (updates) out.updates = updates;
    }
    return out as unknown as tf.TensorContainer;
  }) as unknown as StepOutput;
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

/**
 * Applies one optimizer update with gradients `g` (constraints included), gated on `ok` so a
 * non-finite step leaves weights and state unchanged. Runs inside the caller's `tf.tidy`.
 */
function applyUpdate(c: StepContext, g: TensorMap, step: number, ok: tf.Tensor): TensorMap {
  const out = c.optimizer.update(g, c.state.tensors, c.params, { step });
  c.state.assign(out.state, ok);
  for (const k of c.names) {
    const p = c.params[k] as tf.Variable;
    const u = out.updates[k];
    if (!u) continue;
    let next = tf.add(p, u);
    for (const con of c.constraints) {
      if (con.appliesTo === undefined || matchesName(con.appliesTo, k)) next = con(next, k);
    }
    p.assign(gate(ok, next, p));
  }
  return out.updates;
}

/**
 * Applies the gradients of an accumulation group cut short by the end of an epoch: their mean
 * over the `count` micro-batches it holds (as PyTorch loops step on the last, smaller group), then
 * empties the accumulator so every epoch starts a fresh group.
 */
export function flushAccumulated(c: StepContext, step: number, count: number): void {
  const acc = c.accumulated;
  if (!acc || count <= 0) return;
  tf.tidy(() => {
    const g: TensorMap = {};
    for (const k of c.names) g[k] = tf.div(acc[k] as tf.Variable, count);
    applyUpdate(c, g, step, tf.greater(c.healthy, 0));
    for (const k of c.names) (acc[k] as tf.Variable).assign(tf.zerosLike(acc[k] as tf.Variable));
  });
}
