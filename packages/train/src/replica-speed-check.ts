/** Options of {@link SpeedCheck}. */
export interface SpeedCheckOptions {
  /** Split steps run this long first (a fresh worker engine warms up for seconds). Default 3000 ms. */
  warmupMs?: number;
  /** Steps per measuring window. Default 8. */
  window?: number;
  /** Pairs of windows (split, then whole on the main thread). Default 2. */
  rounds?: number;
  /** Replicas stay when their median step is at most (1 + margin) x one engine's. Default 0.05. */
  margin?: number;
}

/** What {@link SpeedCheck} measured. */
export interface SpeedVerdict {
  keep: boolean;
  /** Median ms per step with the batch split / computed whole on the main thread. */
  splitMs: number;
  wholeMs: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/**
 * Decides, from the run itself, whether data-parallel steps beat one engine on this machine now:
 * after a warm-up of split steps it alternates windows of split steps and steps computed whole on
 * the main thread (the same update either way), times each step from its start to the next
 * one's (the whole loop: listeners, data, update included) and compares the medians. Used when
 * `fit` chose the replicas by default, so that a busy or small machine never trains slower than
 * one engine without saying so.
 */
export class SpeedCheck {
  private readonly warmupMs: number;
  private readonly window: number;
  private readonly rounds: number;
  private readonly margin: number;
  private warmStart: number | undefined;
  private stepInPhase = 0;
  private windowIndex = -1; // -1: warming up
  private prev: { mode: 'split' | 'whole'; at: number; measured: boolean } | undefined;
  private readonly times = { split: [] as number[], whole: [] as number[] };
  verdict: SpeedVerdict | undefined;

  constructor(options: SpeedCheckOptions = {}) {
    this.warmupMs = options.warmupMs ?? 3000;
    this.window = options.window ?? 8;
    this.rounds = options.rounds ?? 2;
    this.margin = options.margin ?? 0.05;
  }

  /** Called as each step starts (`now` in ms): whether this step should be split. */
  next(now: number): 'split' | 'whole' {
    if (this.prev?.measured) this.times[this.prev.mode].push(now - this.prev.at);
    let mode: 'split' | 'whole';
    let measured = false;
    if (this.verdict) mode = this.verdict.keep ? 'split' : 'whole';
    else if (this.windowIndex < 0) {
      this.warmStart ??= now;
      mode = 'split';
      if (now - this.warmStart >= this.warmupMs) this.windowIndex = 0;
    } else if (this.windowIndex >= 2 * this.rounds) {
      const splitMs = median(this.times.split);
      const wholeMs = median(this.times.whole);
      this.verdict = { keep: splitMs <= wholeMs * (1 + this.margin), splitMs, wholeMs };
      mode = this.verdict.keep ? 'split' : 'whole';
    } else {
      mode = this.windowIndex % 2 === 0 ? 'split' : 'whole';
      measured = true;
      this.stepInPhase += 1;
      if (this.stepInPhase >= this.window) {
        this.stepInPhase = 0;
        this.windowIndex += 1;
      }
    }
    this.prev = { mode, at: now, measured };
    return mode;
  }
}
