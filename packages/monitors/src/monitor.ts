import * as tf from '@tensorflow/tfjs-core';
import {
  assertNumber,
  type BatchEvent,
  type EpochEndEvent,
  type TrainBeginEvent,
  type TrainEndEvent,
  type TrainingListener,
} from '@trainkit/core';
import { encodePng, toBase64 } from '@trainkit/plot';
import { type ActivationProbe, activationRecords } from './activation-probe';
import { filterGrid, filterRoughness } from './filters';
import { type LayerRecord, RunLog, type StepRecord } from './records';
import type { Sink } from './sink';
import { histogram, summarize } from './stats';

export interface MonitorOptions {
  /** Read per-layer statistics (norms, update/weight ratio) every this many steps. Default 20. */
  every?: number;
  /** Gradient and weight histograms every this many steps (0: never). Default 200. */
  histogramEvery?: number;
  /** Bins of every histogram. Default 30. */
  bins?: number;
  /** Activation statistics on a fixed batch (see {@link activationProbe}). */
  activations?: ActivationProbe;
  /** Render the first conv layer's filters every this many steps (0: only at the end). Default 0. */
  filtersEvery?: number;
  /** Where records go as they are made. */
  sinks?: Sink[];
}

/** A training listener that records a run; `run` holds what it recorded so far. */
export interface Monitor extends TrainingListener {
  readonly run: RunLog;
  /** Waits for the values still being read back. */
  flush(): Promise<void>;
}

interface PendingLoss {
  step: number;
  epoch: number;
  loss: tf.Scalar;
  learningRate?: number;
  stepTimeMs?: number;
  batchSize: number;
}

/**
 * Records the lecture's monitors while training: the loss at every step, and every `every`
 * steps the gradient global norm and, per parameter, the weight norm, the update norm and the
 * **update/weight ratio** (~1e-3 is healthy); every `histogramEvery` steps gradient and weight
 * histograms; activation statistics on a fixed batch; first-layer filters as a PNG at the end.
 *
 * Cost: one clone of the loss per step; reductions only at interval steps; all values read
 * back with one asynchronous `data()` per interval, not awaited in the training step.
 *
 * @example
 * const mon = monitor({ sinks: [consoleSink()] });
 * await fit(model, data, { listeners: [mon] });
 * console.log(diagnose(mon.run));
 */
export function monitor(options: MonitorOptions = {}): Monitor {
  const every = assertNumber('every', options.every ?? 20, { min: 1, integer: true });
  const histogramEvery = assertNumber('histogramEvery', options.histogramEvery ?? 200, {
    min: 0,
    integer: true,
  });
  const bins = assertNumber('bins', options.bins ?? 30, { min: 1, integer: true });
  const filtersEvery = assertNumber('filtersEvery', options.filtersEvery ?? 0, {
    min: 0,
    integer: true,
  });
  const sinks = options.sinks ?? [];
  const run = new RunLog();
  const pending = new Set<Promise<void>>();
  let losses: PendingLoss[] = [];
  let lastTime: number | undefined;
  let liveParams: Record<string, tf.Tensor> | undefined;

  const emit = (r: Parameters<Sink['write']>[0]) => {
    run.add(r);
    for (const s of sinks) {
      const p = s.write(r);
      if (p) track(p);
    }
  };
  const track = (p: Promise<void>) => {
    const q = p.finally(() => pending.delete(q));
    pending.add(q);
  };

  const flushLosses = (gradNorm?: tf.Scalar, extra?: () => void) => {
    const batch = losses;
    losses = [];
    if (batch.length === 0) return;
    const stacked = tf.tidy(() => tf.stack(batch.map((b) => b.loss)));
    tf.dispose(batch.map((b) => b.loss));
    const norm = gradNorm;
    track(
      Promise.all([stacked.data(), norm?.data()]).then(([vals, gn]) => {
        stacked.dispose();
        norm?.dispose();
        batch.forEach((b, i) => {
          const r: StepRecord = { type: 'step', step: b.step, epoch: b.epoch, loss: vals[i]! };
          if (b.learningRate !== undefined) r.learningRate = b.learningRate;
          if (b.stepTimeMs !== undefined) {
            r.stepTimeMs = b.stepTimeMs;
            r.imagesPerSec = b.stepTimeMs > 0 ? (b.batchSize * 1000) / b.stepTimeMs : Number.NaN;
          }
          if (gn && i === batch.length - 1) r.gradNorm = gn[0]!;
          emit(r);
        });
        extra?.();
      }),
    );
  };

  const layerStats = (e: BatchEvent, withHist: boolean) => {
    const names = Object.keys(e.params);
    // Per parameter: ||w||, ||u||, ||g||, then all grads and weights flattened for histograms.
    const { norms, gradNorm, flatGrads, flatWeights } = tf.tidy(() => {
      const parts: tf.Tensor[] = [];
      let g2: tf.Tensor = tf.scalar(0);
      for (const n of names) {
        const w = e.params[n]!;
        const u = e.updates?.[n];
        const g = e.grads?.[n];
        parts.push(tf.norm(w));
        parts.push(u ? tf.norm(u) : tf.scalar(Number.NaN));
        if (g) {
          const sq = tf.sum(tf.square(g));
          g2 = tf.add(g2, sq);
          parts.push(tf.sqrt(sq));
        } else parts.push(tf.scalar(Number.NaN));
      }
      const out: {
        norms: tf.Tensor;
        gradNorm: tf.Scalar;
        flatGrads?: tf.Tensor[];
        flatWeights?: tf.Tensor[];
      } = {
        norms: tf.stack(parts),
        gradNorm: tf.sqrt(g2) as tf.Scalar,
      };
      if (withHist) {
        out.flatWeights = names.map((n) => tf.reshape(e.params[n]!, [-1]));
        if (e.grads) out.flatGrads = names.map((n) => tf.reshape(e.grads![n]!, [-1]));
      }
      return out;
    });
    const step = e.step;
    const hasGrads = e.grads !== undefined;
    const hasUpdates = e.updates !== undefined;
    track(
      Promise.all([
        norms.data(),
        Promise.all((flatWeights ?? []).map((t) => t.data())),
        Promise.all((flatGrads ?? []).map((t) => t.data())),
      ]).then(([nv, wv, gv]) => {
        tf.dispose([norms, ...(flatWeights ?? []), ...(flatGrads ?? [])]);
        names.forEach((name, i) => {
          const r: LayerRecord = { type: 'layer', step, name, depth: i, weightNorm: nv[3 * i]! };
          if (hasUpdates) {
            r.updateNorm = nv[3 * i + 1]!;
            r.updateRatio = r.weightNorm > 0 ? r.updateNorm / r.weightNorm : Number.NaN;
          }
          if (hasGrads) r.gradNorm = nv[3 * i + 2]!;
          if (wv[i]) r.weight = summarize(wv[i]!, bins);
          if (gv[i]) r.grad = summarize(gv[i]!, bins);
          emit(r);
        });
      }),
    );
    if (hasGrads) return gradNorm;
    gradNorm.dispose();
    return undefined;
  };

  const renderFilters = async (step: number, params: Record<string, tf.Tensor>) => {
    const name = Object.keys(params).find((n) => params[n]!.rank === 4);
    if (!name) return;
    const kernel = params[name]!;
    const img = await filterGrid(kernel);
    emit({
      type: 'filters',
      step,
      layer: name,
      width: img.width,
      height: img.height,
      pngBase64: toBase64(encodePng(img)),
      roughness: await filterRoughness(kernel),
    });
  };

  return {
    run,
    async flush() {
      while (pending.size) await Promise.all([...pending]);
    },
    onTrainBegin(e: TrainBeginEvent) {
      liveParams = e.params;
      const paramNames = Object.keys(e.params);
      emit({
        type: 'begin',
        time: Date.now(),
        epochs: e.epochs,
        ...(e.stepsPerEpoch !== undefined ? { stepsPerEpoch: e.stepsPerEpoch } : {}),
        initialStep: e.initialStep,
        params: paramNames.map((n) => ({ name: n, shape: [...e.params[n]!.shape] })),
      });
      lastTime = undefined;
    },
    async onBatchEnd(e: BatchEvent) {
      const now = performance.now();
      const stepTimeMs = e.stepTimeMs ?? (lastTime === undefined ? undefined : now - lastTime);
      lastTime = now;
      const p: PendingLoss = {
        step: e.step,
        epoch: e.epoch,
        loss: tf.clone(e.loss),
        batchSize: e.batchSize,
      };
      if (e.learningRate !== undefined) p.learningRate = e.learningRate;
      if (stepTimeMs !== undefined) p.stepTimeMs = stepTimeMs;
      losses.push(p);
      if (e.step % every === 0) {
        const withHist = histogramEvery > 0 && e.step % histogramEvery === 0;
        const gn = layerStats(e, withHist);
        flushLosses(gn);
      }
      const probe = options.activations;
      if (probe && e.step % probe.every === 0)
        track(activationRecords(probe, e.step, bins).then((rs) => rs.forEach(emit)));
      if (filtersEvery > 0 && e.step % filtersEvery === 0) await renderFilters(e.step, e.params);
    },
    onEpochEnd(e: EpochEndEvent) {
      flushLosses();
      emit({ type: 'epoch', epoch: e.epoch, step: e.step, logs: { ...e.logs } });
    },
    async onTrainEnd(e: TrainEndEvent) {
      flushLosses();
      if (liveParams) await renderFilters(e.step, liveParams);
      await this.flush();
      emit({
        type: 'end',
        time: Date.now(),
        epoch: e.epoch,
        step: e.step,
        logs: { ...e.logs },
        ...(e.stopReason !== undefined ? { stopReason: e.stopReason } : {}),
      });
      for (const s of sinks) await s.close?.();
    },
  };
}

/** Re-exported so sinks and reports can bin values the same way. */
export { histogram };
