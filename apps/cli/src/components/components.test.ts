import * as tf from '@tensorflow/tfjs-core';
import type { ArchitectureSpec } from '@trainkit/architectures';
import type { GradientTransformation, Penalty, Schedule } from '@trainkit/core';
import { glorotNormal, heNormal, heUniform, lecunNormal, orthogonal } from '@trainkit/init';
import type { Augmentation } from '@trainkit/regularizers';
import { errorCode, expectNoLeaks } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import { coerce } from '../args';
import { trainSpec } from '../commands/specs';
import {
  ARCHITECTURES,
  AUGMENTATIONS,
  acceptedNames,
  architectureSpec,
  augmentationSpec,
  augmentPipelineSpec,
  fromSpec,
  INITIALIZERS,
  initializerSpec,
  OPTIMIZERS,
  optimizerSpec,
  regularizationSpecs,
  resolveChoice,
  SCHEDULES,
  scheduleSpec,
} from '.';

const flag = (name: string) => trainSpec.flags.find((f) => f.name === name)!;
const accepted = (name: string) => [
  ...(flag(name).type as readonly string[]),
  ...Object.keys(flag(name).aliases ?? {}),
];
const ctx = { learningRate: 0.1, totalSteps: 100, stepsPerEpoch: 10 };

describe('the CLI flags and the component specs', () => {
  it('offer the same names: the flags accept exactly the catalogue (and its aliases)', () => {
    expect(accepted('optimizer').sort()).toEqual(acceptedNames(OPTIMIZERS).sort());
    expect(accepted('schedule').sort()).toEqual(acceptedNames(SCHEDULES).sort());
    expect(accepted('init').sort()).toEqual(['default', ...acceptedNames(INITIALIZERS)].sort());
    expect(accepted('arch').sort()).toEqual(acceptedNames(ARCHITECTURES).sort());
    expect(flag('augment').help).toContain(AUGMENTATIONS.names.join(', '));
  });

  it('reads an alias as its canonical name and lists the canonical names for unknown values', () => {
    expect(coerce(flag('schedule'), 'onecycle')).toBe('one-cycle');
    expect(coerce(flag('init'), 'small')).toBe('smallRandom');
    expect(() => coerce(flag('schedule'), 'toString')).toThrow(
      'invalid value for --schedule: "toString" (expected one of constant, cosine, warmup-cosine, step, exponential, inverse-time, one-cycle)',
    );
  });

  it('resolves every optimizer and schedule the CLI accepts through the registry', () => {
    for (const o of accepted('optimizer'))
      for (const s of accepted('schedule')) {
        const spec = optimizerSpec(o, { learningRate: scheduleSpec(s, ctx), clipNorm: 1 });
        const opt = fromSpec<GradientTransformation>(spec);
        expect(typeof opt.update).toBe('function');
        // The rebuilt optimizer serializes back to the spec's kinds.
        expect(JSON.stringify(opt.toJSON())).toContain(
          `"optimizers.${resolveChoice('o', o, OPTIMIZERS)}"`,
        );
      }
  });

  it('resolves every initializer, augmentation and architecture the CLI accepts', () => {
    for (const name of accepted('init').filter((n) => n !== 'default')) {
      const spec = initializerSpec(name, 5);
      const w = fromSpec<(s: number[]) => tf.Tensor>(spec)([3, 4]);
      expect(w.shape).toEqual([3, 4]);
      w.dispose();
    }
    for (const name of AUGMENTATIONS.names)
      expect(typeof fromSpec<Augmentation>(augmentationSpec(name, 1))).toBe('function');
    for (const name of accepted('arch')) {
      const spec = fromSpec<ArchitectureSpec>(architectureSpec(name, { numClasses: 3 }));
      expect(spec.name).toBe(name);
    }
  });

  it("builds the same initializers as @trainkit/init's presets (same seed, same draws)", () => {
    const seed = 11;
    const pairs: [string, { toJSON(): unknown }][] = [
      ['heNormal', heNormal({ rng: seed })],
      ['heUniform', heUniform({ rng: seed })],
      ['glorotNormal', glorotNormal({ rng: seed })],
      ['lecunNormal', lecunNormal({ rng: seed })],
      ['leCunNormal', lecunNormal({ rng: seed })],
      ['orthogonal', orthogonal({ rng: seed })],
    ];
    for (const [name, preset] of pairs)
      expect(initializerSpec(name, seed)).toEqual(preset.toJSON());
  });
});

describe('scheduleSpec', () => {
  const at = (name: string, extra = {}) =>
    fromSpec<Schedule | number>(scheduleSpec(name, { ...ctx, ...extra }));
  const value = (name: string, step: number, extra = {}) => {
    const s = at(name, extra);
    return typeof s === 'number' ? s : s(step);
  };

  it('gives the closed forms of each schedule', () => {
    expect(value('constant', 50)).toBe(0.1);
    // cosine: lr * (1 + cos(pi t / T)) / 2
    expect(value('cosine', 50)).toBeCloseTo(0.05, 12);
    // step: x0.1 every floor(100 / 3) = 33 steps
    expect(value('step', 32)).toBeCloseTo(0.1, 12);
    expect(value('step', 33)).toBeCloseTo(0.01, 12);
    // exponential: lr * 0.8^(t / stepsPerEpoch)
    expect(value('exponential', 20)).toBeCloseTo(0.1 * 0.64, 12);
    // inverse time: lr / (1 + t / stepsPerEpoch)
    expect(value('inverse-time', 30)).toBeCloseTo(0.1 / 4, 12);
  });

  it('warms up linearly, then runs the cosine over the rest of the run', () => {
    // warmup-cosine: 10 warm-up steps (a tenth), then cosine over 90.
    expect(value('warmup-cosine', 5)).toBeCloseTo(0.05, 12);
    expect(value('warmup-cosine', 10 + 45)).toBeCloseTo(0.05, 12);
    expect(value('warmup-cosine', 100)).toBeCloseTo(0, 12);
    // An explicit warm-up wraps any schedule but one-cycle (which has its own).
    expect(value('constant', 2, { warmupSteps: 4 })).toBeCloseTo(0.05, 12);
    expect(scheduleSpec('one-cycle', { ...ctx, warmupSteps: 4 })).toMatchObject({
      kind: 'schedules.oneCycle',
    });
  });

  it("takes the CLI's old spelling onecycle as one-cycle, and names the valid ones otherwise", () => {
    expect(scheduleSpec('onecycle', ctx)).toEqual(scheduleSpec('one-cycle', ctx));
    expect(errorCode(() => scheduleSpec('cosign', ctx))).toBe('CONFIG');
    expect(() => scheduleSpec('cosign', ctx)).toThrow(
      'schedule: unknown schedule; expected one of constant, cosine, warmup-cosine, step, exponential, inverse-time, one-cycle (aliases: onecycle = one-cycle); received "cosign"',
    );
  });
});

describe('optimizerSpec and regularizationSpecs', () => {
  it('sets the documented defaults and refuses weight decay where it has no meaning', () => {
    expect(optimizerSpec('momentum', { learningRate: 0.1 })).toEqual({
      kind: 'optimizers.momentum',
      version: 1,
      learningRate: 0.1,
      momentum: 0.9,
    });
    expect(optimizerSpec('sgd', { learningRate: 0.1 })).not.toHaveProperty('momentum');
    expect(optimizerSpec('adamw', { learningRate: 0.1, weightDecay: 0 })).toHaveProperty(
      'weightDecay',
      0,
    );
    expect(() => optimizerSpec('rmsprop', { learningRate: 0.1, weightDecay: 1e-4 })).toThrow(
      /weightDecay: rmsprop has no weight decay/,
    );
  });

  it('builds penalties whose value is the closed form, leaking nothing', async () => {
    const specs = regularizationSpecs({ l1: 0.5, l2: 0.1, maxNorm: 2 });
    expect(specs.constraints).toEqual([{ kind: 'regularizers.maxNorm', version: 1, maxValue: 2 }]);
    const [l1, l2] = specs.penalties.map((s) => fromSpec<Penalty>(s));
    const params = { 'dense/kernel': tf.tensor2d([[1, -2]]) };
    // l1: 0.5 * (1 + 2) = 1.5; l2 (half): 0.5 * 0.1 * (1 + 4) = 0.25
    const total = await expectNoLeaks(() => {
      const a = l1!(params as never);
      const b = l2!(params as never);
      const out = [a.dataSync()[0], b.dataSync()[0]];
      tf.dispose([a, b]);
      return out;
    });
    expect(total[0]).toBeCloseTo(1.5, 6);
    expect(total[1]).toBeCloseTo(0.25, 6);
    tf.dispose(Object.values(params));
  });

  it('seeds each augmentation step on its own stream', () => {
    const spec = augmentPipelineSpec(['flip', 'crop'], 3)!;
    expect((spec.steps as { rng: number }[]).map((s) => s.rng)).toEqual([303, 304]);
    expect(augmentPipelineSpec([], 3)).toBeUndefined();
  });
});
