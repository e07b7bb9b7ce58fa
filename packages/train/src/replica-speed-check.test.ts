import { describe, expect, it } from 'vitest';
import { SpeedCheck } from './replica-speed-check';

/** Drives a check with steps that take `splitMs` / `wholeMs` each; returns the modes chosen. */
function drive(check: SpeedCheck, splitMs: number, wholeMs: number, steps: number) {
  let now = 0;
  const modes: string[] = [];
  for (let i = 0; i < steps; i++) {
    const mode = check.next(now);
    modes.push(mode);
    now += mode === 'split' ? splitMs : wholeMs;
  }
  return modes;
}

describe('SpeedCheck', () => {
  it('keeps the replicas when split steps are faster, after warm-up and alternating windows', () => {
    const check = new SpeedCheck({ warmupMs: 100, window: 4, rounds: 2, margin: 0.05 });
    const modes = drive(check, 10, 16, 60);
    // warm-up: 100 ms of 10 ms split steps (11 steps: the 11th sees 100 ms elapsed), then
    // windows split x4, whole x4, split x4, whole x4, then the verdict.
    expect(modes.slice(0, 11).every((m) => m === 'split')).toBe(true);
    expect(modes.slice(11, 27).join()).toBe(
      [
        ...Array(4).fill('split'),
        ...Array(4).fill('whole'),
        ...Array(4).fill('split'),
        ...Array(4).fill('whole'),
      ].join(),
    );
    expect(check.verdict).toEqual({ keep: true, splitMs: 10, wholeMs: 16 });
    expect(modes.slice(27).every((m) => m === 'split')).toBe(true);
  });

  it('drops the replicas when split steps are slower than one engine beyond the margin', () => {
    const check = new SpeedCheck({ warmupMs: 0, window: 3, rounds: 1, margin: 0.05 });
    const modes = drive(check, 12, 10, 20);
    expect(check.verdict).toEqual({ keep: false, splitMs: 12, wholeMs: 10 });
    expect(modes.slice(-5).every((m) => m === 'whole')).toBe(true);
  });

  it('keeps them within the margin (4% slower counts as a tie)', () => {
    const check = new SpeedCheck({ warmupMs: 0, window: 3, rounds: 1, margin: 0.05 });
    drive(check, 10.4, 10, 20);
    expect(check.verdict?.keep).toBe(true);
  });
});
