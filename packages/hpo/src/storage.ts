import { StateError } from '@trainkit/core';
import type { Distribution, ParamValue } from './distributions';
import type { FrozenTrial, TrialState } from './trial';

/** One change to a study, as appended to a journal. Replaying them in order rebuilds the study. */
export type Op =
  | { op: 'study'; direction: ('minimize' | 'maximize')[]; time: number }
  | {
      op: 'create';
      number: number;
      worker: string;
      time: number;
      fixed?: Record<string, ParamValue>;
      gridId?: number;
    }
  | { op: 'enqueue'; params: Record<string, ParamValue>; time: number }
  | { op: 'param'; number: number; name: string; distribution: Distribution; value: ParamValue }
  | { op: 'report'; number: number; step: number; value: number }
  | { op: 'attr'; number: number; key: string; value: unknown }
  | {
      op: 'finish';
      number: number;
      state: Exclude<TrialState, 'running'>;
      values?: number[];
      error?: string;
      time: number;
    };

/** The state a journal replays to. */
export interface StudyState {
  direction?: ('minimize' | 'maximize')[];
  trials: FrozenTrial[];
  /** Enqueued parameter sets not yet taken by a trial. */
  queue: Record<string, ParamValue>[];
}

/** Applies one op to a study state (the journal's reducer). */
export function applyOp(s: StudyState, o: Op): void {
  switch (o.op) {
    case 'study':
      s.direction ??= o.direction;
      return;
    case 'enqueue':
      s.queue.push(o.params);
      return;
    case 'create': {
      const t: FrozenTrial = {
        number: o.number,
        state: 'running',
        params: {},
        distributions: {},
        intermediate: {},
        userAttrs: {},
        worker: o.worker,
        startedAt: o.time,
      };
      if (o.fixed) {
        t.fixed = o.fixed;
        s.queue.shift();
      }
      if (o.gridId !== undefined) t.gridId = o.gridId;
      s.trials[o.number] = t;
      return;
    }
    default: {
      const t = s.trials[o.number];
      if (!t)
        throw new StateError(`journal refers to trial ${o.number}, which was never created`, {
          argument: 'journal',
        });
      if (o.op === 'param') {
        t.params[o.name] = o.value;
        t.distributions[o.name] = o.distribution;
      } else if (o.op === 'report') t.intermediate[o.step] = o.value;
      else if (o.op === 'attr') t.userAttrs[o.key] = o.value;
      else if (o.op === 'finish') {
        t.state = o.state;
        if (o.values) t.values = o.values;
        if (o.error) t.error = o.error;
        t.completedAt = o.time;
      }
    }
  }
}

/**
 * Where a study lives. Every write is an {@link Op}; `transaction` runs a read-modify-append
 * atomically (in memory trivially; across processes under a file or database lock), which is
 * how trial numbers and grid points are never handed out twice.
 */
export interface Storage {
  /** Current state of the study (replayed). */
  load(study: string): Promise<StudyState>;
  /** Appends ops. */
  append(study: string, ops: Op[]): Promise<void>;
  /** Runs `fn` on a fresh state with exclusive access; appends the ops it returns. */
  transaction<T>(study: string, fn: (s: StudyState) => { ops: Op[]; result: T }): Promise<T>;
  /**
   * Storages shared across machines (PostgreSQL) keep heartbeats: `optimize` calls this every
   * `heartbeatIntervalMs` for the worker's running trials...
   */
  heartbeat?(study: string, worker: string): Promise<void>;
  readonly heartbeatIntervalMs?: number;
  /** ...and running trials whose heartbeat stopped are reported here (their worker died). */
  staleTrials?(study: string): Promise<number[]>;
  /** Default worker id for studies on this storage (PostgreSQL: host name + pid, unique across machines). */
  workerId?(): string;
  /** Settings from which a worker process opens the same storage (journal file, PostgreSQL). */
  toSpec?(): StorageSpec;
}

/** How a worker process opens a storage: plain JSON, no live objects. */
export type StorageSpec =
  | { kind: 'journal'; path: string; options?: object }
  | { kind: 'postgres'; connection: unknown; options?: object };

/** Keeps studies in this process's memory. */
export class InMemoryStorage implements Storage {
  private studies = new Map<string, Op[]>();
  private chain: Promise<unknown> = Promise.resolve();

  async load(study: string): Promise<StudyState> {
    return replay(this.studies.get(study) ?? []);
  }
  async append(study: string, ops: Op[]): Promise<void> {
    const log = this.studies.get(study) ?? [];
    log.push(...structuredClone(ops));
    this.studies.set(study, log);
  }
  transaction<T>(study: string, fn: (s: StudyState) => { ops: Op[]; result: T }): Promise<T> {
    const run = this.chain.then(async () => {
      const { ops, result } = fn(await this.load(study));
      await this.append(study, ops);
      return result;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }
}

/** Rebuilds a study state from its ops. */
export function replay(ops: Iterable<Op>): StudyState {
  const s: StudyState = { trials: [], queue: [] };
  for (const o of ops) applyOp(s, o);
  s.trials = s.trials.filter(Boolean);
  return s;
}
