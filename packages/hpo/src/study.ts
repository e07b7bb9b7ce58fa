import {
  assertNumber,
  assertOneOf,
  ConfigError,
  type Rng,
  StateError,
  toRng,
} from '@trainkit/core';
import {
  type Choice,
  categorical as categoricalDist,
  contains,
  type Distribution,
  float as floatDist,
  int as intDist,
  type ParamValue,
  sameDistribution,
} from './distributions';
import { nopPruner, type Pruner } from './pruners';
import type { Sampler } from './sampler';
import { InMemoryStorage, type Op, type Storage, type StudyState } from './storage';
import { tpeSampler } from './tpe-sampler';
import type { FrozenTrial } from './trial';

export type Direction = 'minimize' | 'maximize';

/** Thrown by an objective (via `trial.prune()`) to end a trial as pruned. */
export class TrialPruned extends Error {
  constructor(readonly step?: number) {
    super(`trial pruned${step === undefined ? '' : ` at step ${step}`}`);
    this.name = 'TrialPruned';
  }
}

/** The handle an objective receives: suggest parameters, report progress, ask about pruning. */
export class Trial {
  constructor(
    private readonly study: Study,
    private frozen: FrozenTrial,
    private readonly rng: Rng,
    private readonly snapshot: FrozenTrial[],
  ) {}

  get number(): number {
    return this.frozen.number;
  }
  get params(): Readonly<Record<string, ParamValue>> {
    return this.frozen.params;
  }

  private async suggest(name: string, d: Distribution): Promise<ParamValue> {
    const prev = this.frozen.distributions[name];
    if (prev) {
      if (!sameDistribution(prev, d)) {
        throw new ConfigError(`parameter "${name}" was suggested with another range`, {
          argument: name,
          expected: JSON.stringify(prev),
          received: d,
        });
      }
      return this.frozen.params[name]!;
    }
    let v: ParamValue;
    const fixed = this.frozen.fixed?.[name];
    if (fixed !== undefined) {
      if (!contains(d, fixed)) {
        throw new ConfigError(`enqueued value of "${name}" is outside its range`, {
          argument: name,
          expected: JSON.stringify(d),
          received: fixed,
        });
      }
      v = fixed;
    } else {
      v = this.study.sampler.sample(name, d, {
        trials: this.snapshot,
        trial: this.frozen,
        direction: this.study.directions[0]!,
        rng: this.rng,
      });
    }
    this.frozen.params[name] = v;
    this.frozen.distributions[name] = d;
    await this.study.storage.append(this.study.name, [
      { op: 'param', number: this.number, name, distribution: d, value: v },
    ]);
    return v;
  }

  /** A float in [low, high] (`log` for log-uniform). Suggesting a name again returns its value. */
  async suggestFloat(
    name: string,
    low: number,
    high: number,
    options: { log?: boolean; step?: number } = {},
  ): Promise<number> {
    return (await this.suggest(name, floatDist(low, high, options))) as number;
  }
  /** An integer in [low, high]. */
  async suggestInt(
    name: string,
    low: number,
    high: number,
    options: { log?: boolean; step?: number } = {},
  ): Promise<number> {
    return (await this.suggest(name, intDist(low, high, options))) as number;
  }
  /** One of `choices`. */
  async suggestCategorical<T extends Choice>(name: string, choices: readonly T[]): Promise<T> {
    return (await this.suggest(name, categoricalDist(choices))) as T;
  }

  /** Reports an intermediate objective value (e.g. validation accuracy after an epoch). */
  async report(step: number, value: number): Promise<void> {
    assertNumber('step', step, { min: 0, integer: true });
    if (typeof value !== 'number')
      throw new ConfigError('value must be a number', { argument: 'value', received: value });
    this.frozen.intermediate[step] = value;
    await this.study.storage.append(this.study.name, [
      { op: 'report', number: this.number, step, value },
    ]);
  }

  /** Should this trial stop now? Asks the study's pruner with the latest state of all trials. */
  async shouldPrune(): Promise<boolean> {
    const state = await this.study.storage.load(this.study.name);
    return this.study.pruner.shouldPrune(this.frozen, state.trials, this.study.directions[0]!);
  }

  /** Throws {@link TrialPruned}, which ends the trial as pruned. */
  prune(): never {
    const steps = Object.keys(this.frozen.intermediate).map(Number);
    throw new TrialPruned(steps.length ? Math.max(...steps) : undefined);
  }

  /** Stores a user attribute (JSON value). */
  async setUserAttr(key: string, value: unknown): Promise<void> {
    this.frozen.userAttrs[key] = value;
    await this.study.storage.append(this.study.name, [
      { op: 'attr', number: this.number, key, value },
    ]);
  }
}

export type Objective = (trial: Trial) => Promise<number | number[]> | number | number[];

/**
 * An objective that runs in other processes (see `processObjective` in `@trainkit/hpo/node`):
 * `optimize` hands the whole run to it.
 */
export interface ExternalObjective {
  runExternally(study: Study, options: OptimizeOptions): Promise<void>;
}

export interface StudyOptions {
  /** Study name in the storage (several studies can share one journal). Default 'study'. */
  name?: string;
  direction?: Direction;
  /** Several objectives (multi-objective; best trials are the Pareto front). */
  directions?: Direction[];
  /** Default: TPE. */
  sampler?: Sampler;
  /** Default: none. */
  pruner?: Pruner;
  /** Default: in memory. */
  storage?: Storage;
  /** Seed or Rng for the samplers. Default 0. */
  seed?: number | Rng;
  /** Worker id stored with each trial (default: pid in Node). */
  worker?: string;
}

export interface OptimizeOptions {
  /** Trials to run in this call (by this worker). */
  nTrials?: number;
  /** Stop starting trials after this many seconds. */
  timeout?: number;
  /**
   * Trials run at once: async objectives run concurrently in this process; a
   * `processObjective(module)` runs in this many worker processes. Default 1.
   */
  concurrency?: number;
  /**
   * Stop when the study holds this many trials (any state, all workers together), e.g. to
   * share a fixed budget between worker processes.
   */
  maxTrials?: number;
  /** Record objective errors as failed trials and go on (default true); false rethrows. */
  catchErrors?: boolean;
  /** Called after each finished trial. */
  callback?: (study: Study, trial: FrozenTrial) => void | Promise<void>;
}

/** A study: a search over an objective, its trials kept in a storage. */
export class Study {
  readonly name: string;
  readonly directions: Direction[];
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  readonly storage: Storage;
  private readonly rng: Rng;
  /** Worker id stored with the trials this object creates. */
  readonly worker: string;
  private cache: StudyState = { trials: [], queue: [] };

  constructor(options: StudyOptions, state: StudyState) {
    this.name = options.name ?? 'study';
    this.directions = state.direction ?? options.directions ?? [options.direction ?? 'minimize'];
    this.sampler = options.sampler ?? tpeSampler();
    this.pruner = options.pruner ?? nopPruner();
    this.storage = options.storage ?? new InMemoryStorage();
    this.rng = toRng(options.seed, 0);
    const g = globalThis as { process?: { pid?: number } };
    this.worker =
      options.worker ?? this.storage.workerId?.() ?? `pid-${g.process?.pid ?? 'browser'}`;
    this.cache = state;
  }

  /** Trials as of the last refresh (see {@link Study.refresh}). */
  get trials(): FrozenTrial[] {
    return this.cache.trials;
  }

  /** Re-reads the storage (other workers' trials). */
  async refresh(): Promise<FrozenTrial[]> {
    this.cache = await this.storage.load(this.name);
    return this.cache.trials;
  }

  /** The best complete trial (single objective). */
  get bestTrial(): FrozenTrial | undefined {
    if (this.directions.length !== 1)
      throw new ConfigError('bestTrial is for single-objective studies; use bestTrials', {
        argument: 'directions',
      });
    const sign = this.directions[0] === 'minimize' ? 1 : -1;
    let best: FrozenTrial | undefined;
    for (const t of this.cache.trials) {
      if (t.state !== 'complete' || !Number.isFinite(t.values?.[0])) continue;
      if (!best || sign * t.values![0]! < sign * best.values![0]!) best = t;
    }
    return best;
  }

  /** The Pareto front of complete trials (all objectives). */
  get bestTrials(): FrozenTrial[] {
    const done = this.cache.trials.filter(
      (t) => t.state === 'complete' && t.values?.every(Number.isFinite),
    );
    const signs = this.directions.map((d) => (d === 'minimize' ? 1 : -1));
    const dominates = (a: FrozenTrial, b: FrozenTrial) =>
      signs.every((s, i) => s * a.values![i]! <= s * b.values![i]!) &&
      signs.some((s, i) => s * a.values![i]! < s * b.values![i]!);
    return done.filter((t) => !done.some((o) => o !== t && dominates(o, t)));
  }

  /** Queues a trial with given parameters (manual search, or warm-starting from known settings). */
  async enqueueTrial(params: Record<string, ParamValue>): Promise<void> {
    await this.storage.append(this.name, [{ op: 'enqueue', params, time: Date.now() }]);
    await this.refresh();
  }

  /** A seed for a worker process of this study (drawn from the study's Rng). */
  workerSeed(): number {
    return this.rng.int(0, 2 ** 31);
  }

  /**
   * Marks trials left `running` by workers that are gone as failed (call on restart). With no
   * argument, every running trial of this worker id and every trial running longer than
   * `olderThanMs` is failed; with a storage that keeps heartbeats (PostgreSQL), so is every
   * running trial whose heartbeat stopped.
   */
  async recoverStaleTrials(
    options: { olderThanMs?: number; isAlive?: (worker: string) => boolean } = {},
  ): Promise<number[]> {
    const heartbeatStale = new Set(
      options.isAlive ? [] : ((await this.storage.staleTrials?.(this.name)) ?? []),
    );
    return this.failRunning((t, now) =>
      options.isAlive
        ? !options.isAlive(t.worker ?? '')
        : t.worker === this.worker ||
          heartbeatStale.has(t.number) ||
          now - t.startedAt > (options.olderThanMs ?? Number.POSITIVE_INFINITY),
    );
  }

  private async failRunning(isStale: (t: FrozenTrial, now: number) => boolean): Promise<number[]> {
    const failed = await this.storage.transaction(this.name, (s) => {
      const now = Date.now();
      const stale = s.trials.filter((t) => t.state === 'running' && isStale(t, now));
      return {
        ops: stale.map(
          (t) =>
            ({
              op: 'finish',
              number: t.number,
              state: 'failed',
              error: 'worker died (recovered on restart)',
              time: now,
            }) as Op,
        ),
        result: stale.map((t) => t.number),
      };
    });
    await this.refresh();
    return failed;
  }

  private async startTrial(maxTrials = Number.POSITIVE_INFINITY): Promise<Trial | undefined> {
    const created = await this.storage.transaction(this.name, (s) => {
      if (s.trials.length >= maxTrials) return { ops: [], result: undefined };
      const r = this.sampler.reserve?.(s) ?? {};
      const number = s.trials.reduce((m, t) => Math.max(m, t.number + 1), 0);
      if (r.done && s.queue.length === 0) return { ops: [], result: undefined };
      const op: Op = { op: 'create', number, worker: this.worker, time: Date.now() };
      if (s.queue.length) op.fixed = s.queue[0]!;
      else if (r.gridId !== undefined) op.gridId = r.gridId;
      return {
        ops: [op],
        result: {
          op,
          snapshot: s.trials.filter((t) => t.state === 'complete' || t.state === 'pruned'),
        },
      };
    });
    if (!created) return undefined;
    const { op, snapshot } = created;
    if (op.op !== 'create') return undefined;
    const frozen: FrozenTrial = {
      number: op.number,
      state: 'running',
      params: {},
      distributions: {},
      intermediate: {},
      userAttrs: {},
      worker: this.worker,
      startedAt: op.time,
    };
    if (op.fixed) frozen.fixed = op.fixed;
    if (op.gridId !== undefined) frozen.gridId = op.gridId;
    return new Trial(this, frozen, this.rng.split(), snapshot);
  }

  /**
   * Runs trials of `objective`. Returns when `nTrials` trials ran in this call, the timeout
   * passed, or the sampler is exhausted (grid). Errors in the objective fail the trial.
   * @example
   * await study.optimize(async (trial) => {
   *   const lr = await trial.suggestFloat('lr', 1e-5, 1e-1, { log: true });
   *   return train(lr);
   * }, { nTrials: 50 });
   */
  async optimize(
    objective: Objective | ExternalObjective,
    options: OptimizeOptions = {},
  ): Promise<void> {
    if (typeof objective === 'object' && objective !== null && 'runExternally' in objective) {
      await objective.runExternally(this, options);
      await this.refresh();
      return;
    }
    const nTrials =
      options.nTrials === undefined
        ? Number.POSITIVE_INFINITY
        : assertNumber('nTrials', options.nTrials, { min: 0, integer: true });
    const concurrency = assertNumber('concurrency', options.concurrency ?? 1, {
      min: 1,
      integer: true,
    });
    if (options.timeout !== undefined) assertNumber('timeout', options.timeout, { min: 0 });
    const maxTrials =
      options.maxTrials === undefined
        ? Number.POSITIVE_INFINITY
        : assertNumber('maxTrials', options.maxTrials, { min: 0, integer: true });
    if (
      nTrials === Number.POSITIVE_INFINITY &&
      maxTrials === Number.POSITIVE_INFINITY &&
      options.timeout === undefined &&
      !this.sampler.reserve
    ) {
      throw new ConfigError('optimize needs nTrials, maxTrials or timeout', {
        argument: 'options',
        expected: 'nTrials, maxTrials or timeout',
      });
    }
    const deadline =
      options.timeout === undefined
        ? Number.POSITIVE_INFINITY
        : Date.now() + options.timeout * 1000;
    let started = 0;
    let exhausted = false;
    const worker = async () => {
      while (started < nTrials && Date.now() < deadline && !exhausted) {
        started++;
        const trial = await this.startTrial(maxTrials);
        if (!trial) {
          exhausted = true;
          return;
        }
        await this.runTrial(trial, objective, options);
      }
    };
    // Storages with heartbeats: resume by failing dead workers' trials, then keep ours alive.
    let beat: ReturnType<typeof setInterval> | undefined;
    if (this.storage.heartbeat) {
      const storage = this.storage;
      const dead = new Set((await storage.staleTrials?.(this.name)) ?? []);
      if (dead.size) await this.failRunning((t) => dead.has(t.number));
      beat = setInterval(
        () => void storage.heartbeat!(this.name, this.worker).catch(() => undefined),
        storage.heartbeatIntervalMs ?? 10_000,
      );
      (beat as { unref?: () => void }).unref?.();
    }
    try {
      await Promise.all(Array.from({ length: concurrency }, worker));
    } finally {
      if (beat !== undefined) clearInterval(beat);
    }
    await this.refresh();
  }

  private async runTrial(
    trial: Trial,
    objective: Objective,
    options: OptimizeOptions,
  ): Promise<void> {
    let finish: Op;
    try {
      const out = await objective(trial);
      const values = Array.isArray(out) ? out : [out];
      if (values.length !== this.directions.length || values.some((v) => typeof v !== 'number')) {
        throw new StateError('the objective returned the wrong number of values', {
          argument: 'objective',
          expected: `${this.directions.length} number(s)`,
          received: out,
        });
      }
      const bad = values.some((v) => Number.isNaN(v));
      finish = bad
        ? {
            op: 'finish',
            number: trial.number,
            state: 'failed',
            values,
            error: 'objective returned NaN',
            time: Date.now(),
          }
        : { op: 'finish', number: trial.number, state: 'complete', values, time: Date.now() };
    } catch (e) {
      if (e instanceof TrialPruned)
        finish = { op: 'finish', number: trial.number, state: 'pruned', time: Date.now() };
      else if (options.catchErrors === false || e instanceof StateError) {
        await this.storage.append(this.name, [
          {
            op: 'finish',
            number: trial.number,
            state: 'failed',
            error: String(e),
            time: Date.now(),
          },
        ]);
        throw e;
      } else
        finish = {
          op: 'finish',
          number: trial.number,
          state: 'failed',
          error: String((e as Error)?.message ?? e),
          time: Date.now(),
        };
    }
    await this.storage.append(this.name, [finish]);
    const state = await this.refresh();
    const t = state.find((x) => x.number === trial.number);
    if (t && options.callback) await options.callback(this, t);
  }
}

/**
 * Creates (or loads, when the storage already holds a study of that name) a study.
 * @example const study = await createStudy({ direction: 'maximize', sampler: tpeSampler(), pruner: ashaPruner() });
 */
export async function createStudy(options: StudyOptions = {}): Promise<Study> {
  if (options.direction !== undefined)
    assertOneOf('direction', options.direction, ['minimize', 'maximize']);
  for (const d of options.directions ?? []) assertOneOf('directions', d, ['minimize', 'maximize']);
  if (options.directions && options.directions.length === 0) {
    throw new ConfigError('directions must not be empty', {
      argument: 'directions',
      expected: "e.g. ['minimize']",
    });
  }
  const storage = options.storage ?? new InMemoryStorage();
  const name = options.name ?? 'study';
  const directions = options.directions ?? [options.direction ?? 'minimize'];
  const state = await storage.transaction(name, (s) => ({
    ops: s.direction ? [] : ([{ op: 'study', direction: directions, time: Date.now() }] as Op[]),
    result: s,
  }));
  if (
    state.direction &&
    JSON.stringify(state.direction) !== JSON.stringify(directions) &&
    (options.direction || options.directions)
  ) {
    throw new ConfigError(`study "${name}" exists with other directions`, {
      argument: 'direction',
      expected: state.direction.join(', '),
      received: directions,
    });
  }
  state.direction ??= directions;
  return new Study({ ...options, storage, name }, state);
}
