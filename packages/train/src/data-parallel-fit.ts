// Node-only: the worker replicas of a data-parallel `fit` (imported lazily by fit.ts, so a
// browser never loads worker_threads). The backend's trainer does the threads and the shared
// memory; this adapts it to the loop: trainkit's loss in every replica, the project's optimizer
// (GradientTransformation) on the main thread only.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createDataParallelTrainer, type DataParallelTrainer } from '@trainkit/backend/node';
import type { Batch } from './batches';
import type { Loss } from './losses/loss';
import type { ReplicaArgs } from './replica-model';
import { SpeedCheck, type SpeedCheckOptions } from './replica-speed-check';
import type { ShardFactory, ShardSource } from './shards';

export interface ReplicaPlan {
  model: tfl.LayersModel;
  loss: Loss;
  replicas: number;
  /** Largest batch (tensor data: the batch size; else the first batch's size). */
  batchSize?: number;
  setup?: { module: string | URL; export: string }[];
  /** tfjs Variable name -> params key. */
  keyOf: (variableName: string) => string;
  /**
   * Wait for the workers before the first step (replicas asked for explicitly); else they start
   * in the background and join when ready.
   */
  wait: boolean;
  /**
   * Replicas chosen by default are kept only if split steps measure faster than whole ones on
   * this machine now ({@link SpeedCheck}); explicit ones are kept regardless. Default: `!wait`.
   */
  speedCheck?: boolean | SpeedCheckOptions;
  /** Steps the run will take in all, when known (tensor data): short runs do not start replicas by default. */
  totalSteps?: number;
  /** Says once why data parallelism is off (the run continues on one engine). */
  say: (why: string) => void;
}

// Builds ship replica-model.js beside the bundle; from source it is the .ts file (the backend's
// worker registers tsx's loader for it).
function replicaModule(): URL {
  const here = import.meta.url;
  const ext = here.endsWith('.ts') ? '.ts' : here.endsWith('.cjs') ? '.cjs' : '.js';
  return new URL(`./replica-model${ext}`, here);
}

/** A {@link ShardFactory} over worker threads, one replica each; see {@link ReplicaPlan}. */
export function workerShards(plan: ReplicaPlan): ShardFactory {
  return async (first: Batch) => {
    const backend = tf.getBackend();
    if (backend !== 'wasm' && backend !== 'cpu') {
      plan.say(`the ${backend} backend has no worker replicas (wasm and cpu do)`);
      return undefined;
    }
    if (first.x.dtype !== 'float32') {
      plan.say(`inputs of dtype ${first.x.dtype} (replicas share float32 inputs)`);
      return undefined;
    }
    if (typeof plan.loss.toJSON !== 'function') {
      plan.say('the loss is a plain function (a trainkit Loss with toJSON can be sent to workers)');
      return undefined;
    }
    let args: ReplicaArgs;
    try {
      const topology = plan.model.toJSON(null, false) as object;
      args = JSON.parse(JSON.stringify({ topology, loss: plan.loss.toJSON() })) as ReplicaArgs;
    } catch (e) {
      plan.say(`the model cannot be serialised to the workers (${(e as Error).message})`);
      return undefined;
    }
    const batchSize = Math.max(plan.batchSize ?? 0, first.x.shape[0] as number);
    // The workers start in the background (a fresh engine each: seconds); until they are ready
    // the steps run whole on this engine, which computes the same update.
    const launch = () =>
      createDataParallelTrainer({
        model: plan.model,
        replica: { module: replicaModule(), export: 'buildReplica', args },
        ...(plan.setup ? { setup: plan.setup } : {}),
        replicas: plan.replicas,
        batchSize,
        backend,
        target: {
          shape: first.y.shape.slice(1),
          dtype: first.y.dtype === 'int32' ? 'int32' : 'float32',
        },
      }).catch((e: unknown) => {
        plan.say(
          `the worker replicas could not start (${String((e as Error)?.message ?? e).split('\n')[0]})`,
        );
        return undefined;
      });
    if (plan.wait) {
      const opened = launch();
      if (!(await opened)) return undefined;
      return shardSource(() => opened, plan, batchSize, first);
    }
    return shardSource(launch, plan, batchSize, first);
  };
}

/** Steps timed on one engine (after the first PROBE_SKIP: cold kernels) before deciding whether starting replicas can pay. */
const PROBE_SKIP = 10;
const PROBE_STEPS = 6;
/** Replicas start only when the run has at least this much left on one engine (start-up and warm-up cost seconds). */
const MIN_REMAINING_S = 30;

function shardSource(
  launch: () => Promise<DataParallelTrainer | undefined>,
  plan: ReplicaPlan,
  capacity: number,
  first: Batch,
): ShardSource {
  let trainer: DataParallelTrainer | undefined;
  let used = false;
  let opening: Promise<DataParallelTrainer | undefined> | undefined;
  const open = () => {
    opening = launch();
    void opening.then((t) => {
      trainer = t;
    });
  };
  // Explicit replicas (plan.wait) are already open; default ones first time a few steps here
  // and start only when the rest of the run is long enough to repay them.
  if (plan.wait || plan.totalSteps === undefined) open();
  const probe: number[] = [];
  let stepsSeen = 0;
  const checkWanted = plan.speedCheck ?? !plan.wait;
  const check = checkWanted
    ? new SpeedCheck(typeof checkWanted === 'object' ? checkWanted : {})
    : undefined;
  const model = plan.model;
  const stats = model.nonTrainableWeights.map((w) => w.read() as tf.Variable);
  const ySuffix = first.y.shape.slice(1).join();
  const xSuffix = first.x.shape.slice(1).join();
  let n = 0;
  let own = 0;
  const source: ShardSource = {
    get replicas() {
      return used && trainer ? trainer.replicas : 1;
    },
    split: false,
    start(batch) {
      n = batch.x.shape[0] as number;
      stepsSeen += 1;
      if (!opening && stepsSeen > PROBE_SKIP && probe.length <= PROBE_STEPS) {
        probe.push(performance.now());
        if (probe.length > PROBE_STEPS) {
          const periods = probe.slice(1).map((t, i) => t - (probe[i] as number));
          const ms = periods.sort((a, b) => a - b)[periods.length >> 1] as number;
          const left = ((plan.totalSteps as number) - stepsSeen) * ms;
          if (left >= MIN_REMAINING_S * 1000) open();
          else {
            plan.say(
              `the run is short (about ${(left / 1000).toFixed(0)} s left at ${ms.toFixed(1)} ms per step): starting ${plan.replicas - 1} worker engine${plan.replicas > 2 ? 's' : ''} would not pay (pass replicas to use them anyway)`,
            );
          }
        }
      }
      if (!trainer) {
        (source as { split: boolean }).split = false;
        return n;
      }
      // A batch the workers cannot take (larger than the first, another shape or dtype) runs
      // here whole: still correct, only not split.
      const fits =
        n <= capacity &&
        batch.x.dtype === 'float32' &&
        batch.x.shape.slice(1).join() === xSuffix &&
        batch.y.shape.slice(1).join() === ySuffix;
      let split = fits;
      if (fits && check) {
        split = check.next(performance.now()) === 'split';
        const v = check.verdict;
        if (v && !v.keep) {
          plan.say(
            `${trainer.replicas} replicas measured slower than one engine on this machine now (${v.splitMs.toFixed(1)} vs ${v.wholeMs.toFixed(1)} ms per step); the rest of the run trains on one engine (pass replicas to keep them)`,
          );
          void trainer.dispose();
          trainer = undefined;
          used = false;
          (source as { split: boolean }).split = false;
          return n;
        }
      }
      own = split ? Math.max(1, trainer.ownShare(n)) : n;
      (source as { split: boolean }).split = own < n;
      if (own < n) {
        trainer.startShards(batch.x, batch.y, own);
        used = true;
      }
      return own;
    },
    finish() {
      const rest = (trainer as DataParallelTrainer).finishShards();
      // Moving statistics: the shard-size-weighted mean of every replica's update.
      tf.tidy(() => {
        stats.forEach((v, i) => {
          v.assign(tf.add(tf.mul(v, own / n), rest.stats[i] as tf.Tensor));
        });
      });
      tf.dispose(rest.stats);
      const grads: Record<string, tf.Tensor> = {};
      for (const [vn, g] of Object.entries(rest.grads)) grads[plan.keyOf(vn)] = g;
      return { grads, predictions: rest.predictions };
    },
    dispose: async () => {
      await (await opening)?.dispose();
    },
  };
  return source;
}
