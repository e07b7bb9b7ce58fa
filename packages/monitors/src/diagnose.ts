import { type LayerRecord, type MonitorRecord, RunLog } from './records';
import { ema, linearFit, median } from './stats';

export type Severity = 'info' | 'warning' | 'error';

/** One thing the curves say, with the numbers that say it and what to do about it. */
export interface Finding {
  rule:
    | 'lr-too-high'
    | 'lr-too-low'
    | 'overfitting'
    | 'underfitting'
    | 'update-ratio'
    | 'dead-relu'
    | 'vanishing-gradients'
    | 'exploding-gradients'
    | 'noisy-filters'
    | 'plateau';
  severity: Severity;
  /** One line. */
  message: string;
  /** The measurements behind it. */
  evidence: Record<string, number | string>;
  advice: string;
  layer?: string;
}

/** Thresholds of the rules; the defaults follow the CS231n rules of thumb. */
export interface DiagnoseOptions {
  /** Train/validation accuracy gap counted as over-fitting. Default 0.1. */
  overfitGap?: number;
  /** Train accuracy below which a small gap means under-fitting. Default 0.8. */
  targetAccuracy?: number;
  /** Healthy update/weight ratio band. Default [1e-4, 1e-2] around ~1e-3. */
  updateRatioBand?: [number, number];
  /** Fraction of zero activations flagged as dead ReLUs. Default 0.9. */
  deadFraction?: number;
  /** First/last layer relative gradient ratio flagged as vanishing (below) / exploding (above 1/x). Default 1e-3. */
  gradientRatio?: number;
  /** Filter roughness flagged as noisy (white noise is 2). Default 1.5. */
  noisyRoughness?: number;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (x: number) =>
  Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? Number(x.toPrecision(4)) : Number(x.toExponential(2));

function accKeys(logs: Record<string, number>): [string, string] | undefined {
  for (const k of ['acc', 'accuracy']) if (k in logs && `val_${k}` in logs) return [k, `val_${k}`];
  return undefined;
}

function lossRules(losses: number[], steps: number[], out: Finding[]): void {
  const bad = losses.findIndex((l) => !Number.isFinite(l));
  if (bad >= 0) {
    out.push({
      rule: 'lr-too-high',
      severity: 'error',
      message: `the loss became ${losses[bad]} at step ${steps[bad]}`,
      evidence: {
        step: steps[bad]!,
        lastFiniteLoss: fmt(losses.slice(0, bad).at(-1) ?? Number.NaN),
      },
      advice:
        'lower the learning rate (by 3-10x), add gradient clipping, check the input scale and the loss for log(0)',
    });
    return;
  }
  if (losses.length < 20) return;
  const smooth = ema(losses, 0.9);
  const q = Math.max(2, Math.floor(losses.length / 4));
  const first = mean(smooth.slice(0, q));
  const last = mean(smooth.slice(-q));
  // The first loss is the untrained network's (about ln C for softmax over C classes).
  const initial = losses[0]!;
  if (last > 1.5 * initial) {
    out.push({
      rule: 'lr-too-high',
      severity: 'error',
      message: `the loss grew from ${fmt(initial)} to ${fmt(last)}: training diverges`,
      evidence: { initialLoss: fmt(initial), endLoss: fmt(last) },
      advice: 'lower the learning rate (by 3-10x) or add warm-up',
    });
    return;
  }
  const early = losses.slice(0, Math.max(3, Math.floor(losses.length / 5)));
  const spike = Math.max(...early);
  if (spike > 1.5 * initial && last >= 0.95 * initial) {
    out.push({
      rule: 'lr-too-high',
      severity: 'warning',
      message: `the loss jumped to ${fmt(spike)} early and then stalled at ${fmt(last)}, no better than at the start (${fmt(initial)})`,
      evidence: { initialLoss: fmt(initial), earlyPeak: fmt(spike), endLoss: fmt(last) },
      advice:
        'lower the learning rate: a first step that large usually kills ReLU units (check dead-relu findings)',
    });
    return;
  }
  const diffs = losses.slice(1).map((l, i) => l - losses[i]!);
  const volatility = Math.sqrt(mean(diffs.map((d) => d * d))) / Math.max(mean(losses), 1e-12);
  if (last > 0.95 * first && volatility > 0.3) {
    out.push({
      rule: 'lr-too-high',
      severity: 'warning',
      message: `the loss oscillates (step-to-step change ${fmt(volatility * 100)}% of its level) without decreasing`,
      evidence: { firstQuarter: fmt(first), lastQuarter: fmt(last), volatility: fmt(volatility) },
      advice: 'lower the learning rate, or increase the batch size',
    });
    return;
  }
  const fit = linearFit(steps, smooth);
  const drop = (first - last) / first;
  if (drop > 0 && drop < 0.3 && fit.slope < 0 && fit.r2 > 0.9) {
    out.push({
      rule: 'lr-too-low',
      severity: 'warning',
      message: `the loss decreases slowly and linearly (${fmt(drop * 100)}% over ${losses.length} steps, R^2 ${fmt(fit.r2)})`,
      evidence: { relativeDrop: fmt(drop), r2: fmt(fit.r2), slopePerStep: fmt(fit.slope) },
      advice:
        'raise the learning rate (try 3-10x); a healthy curve falls quickly at first, then flattens',
    });
    return;
  }
  const tail = smooth.slice(-Math.max(5, Math.floor(smooth.length * 0.3)));
  const tailChange = Math.abs(tail[0]! - tail.at(-1)!) / Math.max(Math.abs(tail[0]!), 1e-12);
  if (tailChange < 0.01 && tail.at(-1)! > 1e-3 && drop < 0.99) {
    out.push({
      rule: 'plateau',
      severity: 'info',
      message: `the loss has been flat at ${fmt(tail.at(-1)!)} for the last ${tail.length} steps`,
      evidence: { tailSteps: tail.length, tailRelativeChange: fmt(tailChange) },
      advice:
        'decay the learning rate (step or on plateau); if it is flat from the start, check the learning rate and the initialization',
    });
  }
}

function epochRules(run: RunLog, o: Required<DiagnoseOptions>, out: Finding[]): void {
  const epochs = run.epochs;
  if (epochs.length === 0) return;
  const keys = accKeys(epochs.at(-1)!.logs);
  if (keys) {
    const [tr, va] = keys;
    const gaps = epochs
      .filter((e) => tr in e.logs && va in e.logs)
      .map((e) => e.logs[tr]! - e.logs[va]!);
    const lastTrain = epochs.at(-1)!.logs[tr]!;
    const gap = gaps.at(-1)!;
    if (gap > o.overfitGap && (gaps.length < 2 || gap > gaps[0]! + 0.02)) {
      out.push({
        rule: 'overfitting',
        severity: 'warning',
        message: `train accuracy exceeds validation by ${fmt(gap * 100)} points and the gap grows`,
        evidence: {
          trainAcc: fmt(lastTrain),
          valAcc: fmt(epochs.at(-1)!.logs[va]!),
          gap: fmt(gap),
          firstGap: fmt(gaps[0]!),
        },
        advice:
          'increase regularization (L2, dropout, augmentation), get more data, or stop earlier',
      });
    } else if (Math.abs(gap) < 0.03 && lastTrain < o.targetAccuracy) {
      out.push({
        rule: 'underfitting',
        severity: 'warning',
        message: `train and validation accuracy are close (${fmt(lastTrain)} vs ${fmt(epochs.at(-1)!.logs[va]!)}) and both low`,
        evidence: { trainAcc: fmt(lastTrain), gap: fmt(gap), target: o.targetAccuracy },
        advice: 'increase model capacity, train longer, or reduce regularization',
      });
    }
    return;
  }
  // Without accuracies: validation loss rising for 3 epochs while the training loss falls.
  const vl = run.epochSeries('val_loss').map((p) => p.value);
  const tl = run.epochSeries('loss').map((p) => p.value);
  if (vl.length >= 4 && tl.length >= 4) {
    const v = vl.slice(-4);
    const t = tl.slice(-4);
    if (v[1]! > v[0]! && v[2]! > v[1]! && v[3]! > v[2]! && t[3]! < t[0]!) {
      out.push({
        rule: 'overfitting',
        severity: 'warning',
        message: 'validation loss rose for 3 epochs while the training loss fell',
        evidence: { valLoss: v.map(fmt).join(' -> '), trainLoss: t.map(fmt).join(' -> ') },
        advice: 'increase regularization or stop earlier (early stopping on val_loss)',
      });
    }
  }
}

function latestPerLayer(layers: LayerRecord[]): LayerRecord[] {
  const lastStep = Math.max(...layers.map((l) => l.step));
  return layers.filter((l) => l.step === lastStep).sort((a, b) => a.depth - b.depth);
}

function isKernel(run: RunLog, name: string): boolean {
  const shape = run.begin?.params.find((p) => p.name === name)?.shape;
  return shape ? shape.length >= 2 : /kernel|weight/.test(name);
}

function layerRules(run: RunLog, o: Required<DiagnoseOptions>, out: Finding[]): void {
  const layers = run.layers.filter((l) => isKernel(run, l.name));
  if (layers.length === 0) return;
  const steps = [...new Set(layers.map((l) => l.step))].sort((a, b) => a - b);
  const recent = new Set(steps.slice(Math.floor(steps.length / 2)));
  const [lo, hi] = o.updateRatioBand;
  for (const name of new Set(layers.map((l) => l.name))) {
    const ratios = layers
      .filter((l) => l.name === name && recent.has(l.step) && l.updateRatio !== undefined)
      .map((l) => l.updateRatio!);
    if (ratios.length === 0) continue;
    const m = median(ratios);
    if (m < lo || m > hi) {
      out.push({
        rule: 'update-ratio',
        severity: m > 10 * hi ? 'error' : 'warning',
        layer: name,
        message: `${name}: update/weight ratio ${fmt(m)} is far from ~1e-3 (${m < lo ? 'too small' : 'too large'})`,
        evidence: { medianRatio: fmt(m), records: ratios.length },
        advice:
          m < lo
            ? 'the learning rate is probably too low for this layer'
            : 'the learning rate is probably too high for this layer',
      });
    }
  }
  const last = latestPerLayer(layers).filter((l) => l.gradNorm !== undefined && l.weightNorm > 0);
  if (last.length >= 2) {
    const rel = last.map((l) => l.gradNorm! / l.weightNorm);
    const ratio = rel[0]! / rel.at(-1)!;
    if (ratio < o.gradientRatio) {
      out.push({
        rule: 'vanishing-gradients',
        severity: 'warning',
        layer: last[0]!.name,
        message: `gradients vanish with depth: ${last[0]!.name} gets ${fmt(ratio)}x the relative gradient of ${last.at(-1)!.name}`,
        evidence: { firstLayer: fmt(rel[0]!), lastLayer: fmt(rel.at(-1)!), ratio: fmt(ratio) },
        advice:
          'use ReLU-family activations with He init, batch normalization, or residual connections',
      });
    } else if (ratio > 1 / o.gradientRatio) {
      out.push({
        rule: 'exploding-gradients',
        severity: 'warning',
        layer: last[0]!.name,
        message: `gradients grow with depth: ${last[0]!.name} gets ${fmt(ratio)}x the relative gradient of ${last.at(-1)!.name}`,
        evidence: { firstLayer: fmt(rel[0]!), lastLayer: fmt(rel.at(-1)!), ratio: fmt(ratio) },
        advice:
          'lower the learning rate, clip gradients by global norm, check the initialization scale',
      });
    }
  }
}

function activationRules(run: RunLog, o: Required<DiagnoseOptions>, out: Finding[]): void {
  const acts = run.activations;
  if (acts.length === 0) return;
  const lastStep = Math.max(...acts.map((a) => a.step));
  for (const a of acts.filter((x) => x.step === lastStep)) {
    if (a.summary.zeroFraction >= o.deadFraction) {
      out.push({
        rule: 'dead-relu',
        severity: a.summary.zeroFraction >= 0.99 ? 'error' : 'warning',
        layer: a.layer,
        message: `${a.layer}: ${fmt(a.summary.zeroFraction * 100)}% of activations are zero (dead ReLUs)`,
        evidence: { zeroFraction: fmt(a.summary.zeroFraction), step: a.step },
        advice:
          'lower the learning rate, use He initialization, a small positive bias, or Leaky ReLU',
      });
    }
  }
}

function filterRules(run: RunLog, o: Required<DiagnoseOptions>, out: Finding[]): void {
  const f = run.filters.at(-1);
  if (f && f.roughness > o.noisyRoughness) {
    out.push({
      rule: 'noisy-filters',
      severity: 'info',
      layer: f.layer,
      message: `first-layer filters look like noise (roughness ${fmt(f.roughness)}; white noise is 2)`,
      evidence: { roughness: fmt(f.roughness), step: f.step },
      advice:
        'train longer, or add regularization; noisy filters can mean an unconverged or badly regularized net',
    });
  }
}

/**
 * Reads a run as the CS231n lecture teaches and says what it shows: learning rate too high
 * (NaN, divergence, oscillation) or too low (slow linear decrease), over- and under-fitting,
 * update/weight ratios far from ~1e-3, dead ReLUs, vanishing or exploding gradients by depth,
 * noisy first-layer filters, loss plateaus. Each finding carries its evidence and advice.
 * @example for (const f of diagnose(mon.run)) console.log(`[${f.severity}] ${f.message} -> ${f.advice}`);
 */
export function diagnose(run: RunLog | MonitorRecord[], options: DiagnoseOptions = {}): Finding[] {
  const r = run instanceof RunLog ? run : new RunLog(run);
  const o: Required<DiagnoseOptions> = {
    overfitGap: options.overfitGap ?? 0.1,
    targetAccuracy: options.targetAccuracy ?? 0.8,
    updateRatioBand: options.updateRatioBand ?? [1e-4, 1e-2],
    deadFraction: options.deadFraction ?? 0.9,
    gradientRatio: options.gradientRatio ?? 1e-3,
    noisyRoughness: options.noisyRoughness ?? 1.5,
  };
  const out: Finding[] = [];
  const steps = r.steps;
  lossRules(
    steps.map((s) => s.loss),
    steps.map((s) => s.step),
    out,
  );
  epochRules(r, o, out);
  layerRules(r, o, out);
  activationRules(r, o, out);
  filterRules(r, o, out);
  const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  return out.sort((a, b) => rank[a.severity] - rank[b.severity]);
}
