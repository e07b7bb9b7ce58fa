import { ConfigError, ValueRangeError } from './errors';
import { assertNumber } from './validate';

/** The serializable state of an {@link Rng}: four 32-bit words. */
export interface RngState {
  kind: 'trainkit.Rng';
  version: 1;
  algorithm: 'xoshiro128**';
  s: [number, number, number, number];
  /** The cached second Box-Muller deviate, if any. */
  spare?: number;
}

// SplitMix32 (a 32-bit variant of Steele, Lea & Flood 2014, "Fast splittable PRNGs"):
// expands a seed into well-mixed state words; never yields an all-zero xoshiro state in practice.
function splitmix32(x: number): [number, number] {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [x, z >>> 0];
}

function seedWords(seed: number): [number, number, number, number] {
  // Fold the seed's integer part (up to 2^53) into the generator with its high and low halves.
  const hi = Math.floor(seed / 2 ** 32) | 0;
  let x = (seed >>> 0) ^ Math.imul(hi, 0x27d4eb2d);
  const s: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [nx, z] = splitmix32(x);
    x = nx;
    s.push(z);
  }
  if ((s[0]! | s[1]! | s[2]! | s[3]!) === 0) s[0] = 1;
  return s as [number, number, number, number];
}

const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));

/**
 * A seedable, splittable pseudo-random generator: **xoshiro128\*\*** (Blackman & Vigna 2018,
 * "Scrambled linear pseudorandom number generators"), 128-bit state seeded through SplitMix32.
 * Period 2^128 - 1; passes BigCrush. Not for cryptography.
 *
 * `split()` derives an independent child generator (seeded from the parent's output through
 * SplitMix32), so components can get their own streams without disturbing each other:
 * same seed, same splits, same numbers.
 *
 * @example
 * const rng = new Rng(42);
 * const initRng = rng.split(); // for weights
 * const dataRng = rng.split(); // for shuffling
 * dataRng.shuffle(indices);
 */
export class Rng {
  private s: Uint32Array;
  private spare: number | undefined;

  constructor(seed = 0) {
    assertNumber('seed', seed, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });
    this.s = Uint32Array.from(seedWords(seed));
  }

  /** Restores a generator from {@link Rng.getState} output. */
  static fromState(state: RngState): Rng {
    if (state?.kind !== 'trainkit.Rng' || !Array.isArray(state.s) || state.s.length !== 4) {
      throw new ConfigError('not a saved Rng state', {
        argument: 'state',
        expected: "{ kind: 'trainkit.Rng', s: [4 uint32] }",
        received: state,
      });
    }
    const r = new Rng(0);
    r.s = Uint32Array.from(state.s);
    r.spare = state.spare;
    return r;
  }

  /** The generator's state, to save in a checkpoint; {@link Rng.fromState} resumes it exactly. */
  getState(): RngState {
    const state: RngState = {
      kind: 'trainkit.Rng',
      version: 1,
      algorithm: 'xoshiro128**',
      s: [...this.s] as RngState['s'],
    };
    if (this.spare !== undefined) state.spare = this.spare;
    return state;
  }

  toJSON(): RngState {
    return this.getState();
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform number in [low, high). */
  uniform(low = 0, high = 1): number {
    if (!(high >= low)) {
      throw new ValueRangeError('high must be >= low', {
        argument: 'high',
        expected: `>= ${low}`,
        received: high,
      });
    }
    return low + (high - low) * this.next();
  }

  /** A normal deviate (Box-Muller; the second value of each pair is kept for the next call). */
  normal(mean = 0, std = 1): number {
    if (!(std >= 0))
      throw new ValueRangeError('std must be >= 0', {
        argument: 'std',
        expected: '>= 0',
        received: std,
      });
    let z: number;
    if (this.spare !== undefined) {
      z = this.spare;
      this.spare = undefined;
    } else {
      let u = 0;
      while (u === 0) u = this.next();
      const v = this.next();
      const r = Math.sqrt(-2 * Math.log(u));
      z = r * Math.cos(2 * Math.PI * v);
      this.spare = r * Math.sin(2 * Math.PI * v);
    }
    return mean + std * z;
  }

  /** A uniform integer in [low, high) without modulo bias (rejection sampling). */
  int(low: number, high: number): number {
    assertNumber('low', low, { integer: true });
    assertNumber('high', high, { integer: true, min: low + 1 });
    const n = high - low;
    if (n <= 2 ** 32) {
      const limit = 2 ** 32 - (2 ** 32 % n);
      let x = this.nextUint32();
      while (x >= limit) x = this.nextUint32();
      return low + (x % n);
    }
    return low + Math.floor(this.next() * n);
  }

  /** Shuffles `array` in place (Fisher-Yates) and returns it. */
  shuffle<T, A extends { length: number; [i: number]: T }>(array: A): A {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      const tmp = array[i]!;
      array[i] = array[j]!;
      array[j] = tmp;
    }
    return array;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    assertNumber('n', n, { min: 0, integer: true });
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** `n` uniform values in [low, high) as a Float32Array. */
  uniformArray(n: number, low = 0, high = 1): Float32Array {
    const out = new Float32Array(assertNumber('n', n, { min: 0, integer: true }));
    for (let i = 0; i < n; i++) out[i] = this.uniform(low, high);
    return out;
  }

  /** `n` normal values as a Float32Array. */
  normalArray(n: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(assertNumber('n', n, { min: 0, integer: true }));
    for (let i = 0; i < n; i++) out[i] = this.normal(mean, std);
    return out;
  }

  /** A 31-bit integer seed, for APIs (tfjs ops) that take a numeric seed. */
  seed(): number {
    return this.nextUint32() >>> 1;
  }

  /** An independent child generator; advances this one by two draws. */
  split(): Rng {
    const child = new Rng(0);
    let x = this.nextUint32() ^ Math.imul(this.nextUint32(), 0x9e3779b9);
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [nx, z] = splitmix32(x);
      x = nx;
      words.push(z);
    }
    child.s = Uint32Array.from(words);
    if ((words[0]! | words[1]! | words[2]! | words[3]!) === 0) child.s[0] = 1;
    return child;
  }
}

/** An `Rng` from a seed, or the given `Rng` itself. */
export function toRng(seedOrRng: number | Rng | undefined, fallbackSeed = 0): Rng {
  if (seedOrRng instanceof Rng) return seedOrRng;
  return new Rng(seedOrRng ?? fallbackSeed);
}
