import { describe, expect, it } from 'vitest';
import { diagnose, type Finding } from './diagnose';
import type { MonitorRecord } from './records';

// Constructed runs: each pathology next to a healthy run. Noise is deterministic (a sine).
const noise = (t: number, amp: number) => amp * Math.sin(t * 12.9898);
function steps(lossAt: (t: number) => number, n = 300): MonitorRecord[] {
  return Array.from({ length: n }, (_, t) => ({
    type: 'step' as const,
    step: t,
    epoch: Math.floor(t / 100),
    loss: lossAt(t),
  }));
}
const healthyLoss = (t: number) => 2.3 * Math.exp(-t / 80) + 0.3 + noise(t, 0.03);
const params = [
  { name: 'conv1/kernel', shape: [3, 3, 1, 8] },
  { name: 'conv1/bias', shape: [8] },
  { name: 'dense/kernel', shape: [32, 10] },
];
const begin: MonitorRecord = { type: 'begin', time: 0, epochs: 3, initialStep: 0, params };
function layers(spec: { ratio?: [number, number]; grad?: [number, number] }): MonitorRecord[] {
  const out: MonitorRecord[] = [];
  for (let s = 0; s < 300; s += 20) {
    const [r0, r1] = spec.ratio ?? [1e-3, 1.2e-3];
    const [g0, g1] = spec.grad ?? [0.5, 0.8];
    out.push({
      type: 'layer',
      step: s,
      name: 'conv1/kernel',
      depth: 0,
      weightNorm: 2,
      updateRatio: r0,
      gradNorm: 2 * g0,
    });
    out.push({
      type: 'layer',
      step: s,
      name: 'conv1/bias',
      depth: 1,
      weightNorm: 0.01,
      updateRatio: 5,
    });
    out.push({
      type: 'layer',
      step: s,
      name: 'dense/kernel',
      depth: 2,
      weightNorm: 4,
      updateRatio: r1,
      gradNorm: 4 * g1,
    });
  }
  return out;
}
function epochs(acc: number[], valAcc: number[]): MonitorRecord[] {
  return acc.map((a, i) => ({
    type: 'epoch' as const,
    epoch: i,
    step: 100 * (i + 1),
    logs: { acc: a, val_acc: valAcc[i]!, loss: 1 - a },
  }));
}
const act = (zero: number): MonitorRecord => ({
  type: 'activation',
  step: 280,
  layer: 'relu1',
  depth: 0,
  summary: { mean: 0.2, std: 0.3, min: 0, max: 2, zeroFraction: zero },
});
const filt = (roughness: number): MonitorRecord => ({
  type: 'filters',
  step: 299,
  layer: 'conv1/kernel',
  width: 10,
  height: 10,
  pngBase64: '',
  roughness,
});
const healthy: MonitorRecord[] = [
  begin,
  ...steps(healthyLoss),
  ...layers({}),
  ...epochs([0.7, 0.82, 0.9], [0.69, 0.8, 0.87]),
  act(0.45),
  filt(0.6),
];
const rules = (f: Finding[]) => f.map((x) => x.rule);

describe('diagnose', () => {
  it('stays silent on a healthy run', () => {
    expect(diagnose(healthy)).toEqual([]);
  });

  it('flags a NaN loss and a diverging loss as a learning rate too high', () => {
    const nan = diagnose([...steps((t) => (t < 50 ? 2 : Number.NaN))]);
    expect(nan[0]).toMatchObject({ rule: 'lr-too-high', severity: 'error' });
    expect(nan[0]!.message).toMatch(/step 50/);
    expect(rules(diagnose(steps((t) => 2.3 * Math.exp(t / 100))))).toContain('lr-too-high');
  });

  it('flags a loss that spikes early and then stalls at its initial level (units killed)', () => {
    const f = diagnose(steps((t) => (t === 0 ? 2.39 : t === 1 ? 6.8 : t < 5 ? 2.45 : 2.3)));
    expect(f[0]).toMatchObject({ rule: 'lr-too-high', severity: 'warning' });
    expect(f[0]!.message).toMatch(/jumped to 6\.8/);
  });

  it('flags an oscillating loss that does not decrease', () => {
    const f = diagnose(steps((t) => 2 + (t % 2 ? -1 : 1)));
    expect(f[0]).toMatchObject({ rule: 'lr-too-high', severity: 'warning' });
  });

  it('flags a slow linear decrease as a learning rate too low', () => {
    const f = diagnose(steps((t) => 2.3 - 0.001 * t + noise(t, 0.005)));
    expect(rules(f)).toEqual(['lr-too-low']);
  });

  it('flags a plateau', () => {
    const f = diagnose(steps((t) => (t < 100 ? 2.3 - 0.015 * t : 0.8 + noise(t, 0.001))));
    expect(rules(f)).toEqual(['plateau']);
  });

  it('flags over-fitting when the train/validation gap grows, and under-fitting when both are low', () => {
    expect(
      rules(diagnose([...steps(healthyLoss), ...epochs([0.8, 0.92, 0.99], [0.78, 0.8, 0.79])])),
    ).toEqual(['overfitting']);
    expect(
      rules(diagnose([...steps(healthyLoss), ...epochs([0.5, 0.55, 0.6], [0.5, 0.56, 0.59])])),
    ).toEqual(['underfitting']);
    const vl = [1, 0.9, 0.95, 1.0, 1.1].map((v, i) => ({
      type: 'epoch' as const,
      epoch: i,
      step: i,
      logs: { loss: 1 - 0.1 * i, val_loss: v },
    }));
    expect(rules(diagnose(vl))).toEqual(['overfitting']);
  });

  it('flags update/weight ratios far from 1e-3 per kernel, ignoring biases', () => {
    const f = diagnose([begin, ...layers({ ratio: [1e-6, 1e-3] })]);
    expect(f.map((x) => [x.rule, x.layer])).toEqual([['update-ratio', 'conv1/kernel']]);
    expect(f[0]!.advice).toMatch(/too low/);
    const g = diagnose([begin, ...layers({ ratio: [1e-3, 0.5] })]);
    expect(g.map((x) => [x.rule, x.layer, x.severity])).toEqual([
      ['update-ratio', 'dense/kernel', 'error'],
    ]);
  });

  it('flags vanishing and exploding gradients by depth', () => {
    expect(rules(diagnose([begin, ...layers({ grad: [1e-6, 0.5] })]))).toEqual([
      'vanishing-gradients',
    ]);
    expect(rules(diagnose([begin, ...layers({ grad: [5e3, 0.5] })]))).toEqual([
      'exploding-gradients',
    ]);
  });

  it('flags dead ReLUs and noisy filters', () => {
    expect(diagnose([act(0.995)])[0]).toMatchObject({
      rule: 'dead-relu',
      severity: 'error',
      layer: 'relu1',
    });
    expect(rules(diagnose([act(0.92)]))).toEqual(['dead-relu']);
    expect(rules(diagnose([filt(1.9)]))).toEqual(['noisy-filters']);
  });
});
