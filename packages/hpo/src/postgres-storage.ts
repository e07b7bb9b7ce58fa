// Node-only: studies in a PostgreSQL database, shared by worker processes on several machines.
import { hostname } from 'node:os';
import { ConfigError, IOError, StateError } from '@trainkit/core';
import type { Pool, PoolClient, PoolConfig } from 'pg';
import type { Distribution, ParamValue } from './distributions';
import type { Op, Storage, StudyState } from './storage';
import type { FrozenTrial, TrialState } from './trial';

export interface PostgresStorageOptions {
  /** Prefix of the tables (`<prefix>studies`, `<prefix>trials`, ...). Default 'trainkit_hpo_'. */
  tablePrefix?: string;
  /** How often a running worker refreshes the heartbeat of its running trials. Default 10 s. */
  heartbeatIntervalMs?: number;
  /**
   * A running trial whose heartbeat is older than this is taken for the trial of a dead worker
   * and marked failed when the study resumes. Must exceed the longest time a worker's event loop
   * can be blocked (one synchronous training step). Default 120 s.
   */
  staleAfterMs?: number;
  /** Pool size of this process. Default 4. */
  maxConnections?: number;
}

/**
 * Connection settings as node-postgres takes them (`pg`'s `PoolConfig`): a subset is named here
 * so that these declarations do not need `pg` installed; any other `PoolConfig` field passes
 * through.
 */
export interface PostgresConnectionConfig {
  connectionString?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  ssl?: boolean | Record<string, unknown>;
  [option: string]: unknown;
}

/** What a worker process needs to open the same storage (connection settings, no live objects). */
export interface PostgresStorageSpec {
  kind: 'postgres';
  connection: string | PostgresConnectionConfig;
  options: PostgresStorageOptions;
}

/**
 * Keeps studies in PostgreSQL tables (studies, trials, params, intermediate values, user attrs,
 * the queue of enqueued trials), created on first use. Every worker is a separate process (on
 * any machine) opening the same database with the same study name.
 *
 * - Trial numbers and grid points are handed out inside a transaction that holds the study's
 *   row lock (`SELECT ... FOR UPDATE`), and unique indexes back it up: a trial number exists once
 *   per study, and a grid point has at most one trial that is not failed.
 * - Heartbeats: while `study.optimize` runs, the worker refreshes `heartbeat` of its running
 *   trials (database clock, so machines' clocks need not agree); a running trial whose heartbeat
 *   is older than `staleAfterMs` belongs to a dead worker and is marked failed when a study
 *   resumes (`optimize` does it on start; `study.recoverStaleTrials()` on demand).
 * - A trial finishes once: `finish` only changes a running trial, so a worker that was declared
 *   dead cannot overwrite the failure afterwards.
 *
 * `pg` is an optional peer dependency, loaded on first use.
 * @example
 * const storage = new PostgresStorage('postgresql://hpo@db-host/hpo');
 * const study = await createStudy({ name: 'cnn', storage, sampler: tpeSampler() });
 */
export class PostgresStorage implements Storage {
  readonly heartbeatIntervalMs: number;
  readonly staleAfterMs: number;
  private readonly t: Record<
    'studies' | 'trials' | 'params' | 'intermediate' | 'attrs' | 'queue',
    string
  >;
  private pool: Promise<Pool> | undefined;

  constructor(
    readonly connection: string | PostgresConnectionConfig,
    readonly options: PostgresStorageOptions = {},
  ) {
    const prefix = options.tablePrefix ?? 'trainkit_hpo_';
    if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) {
      throw new ConfigError('tablePrefix must be a lower-case SQL identifier', {
        argument: 'tablePrefix',
        expected: '/^[a-z_][a-z0-9_]*$/',
        received: prefix,
      });
    }
    this.t = {
      studies: `${prefix}studies`,
      trials: `${prefix}trials`,
      params: `${prefix}params`,
      intermediate: `${prefix}intermediate`,
      attrs: `${prefix}attrs`,
      queue: `${prefix}queue`,
    };
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 10_000;
    this.staleAfterMs = options.staleAfterMs ?? 120_000;
    if (!(this.staleAfterMs > this.heartbeatIntervalMs)) {
      throw new ConfigError('staleAfterMs must exceed heartbeatIntervalMs', {
        argument: 'staleAfterMs',
        expected: `> ${this.heartbeatIntervalMs}`,
        received: this.staleAfterMs,
      });
    }
  }

  /** `<host name>/pid-<pid>`: pids repeat across machines, so the default worker id names the host. */
  workerId(): string {
    return `${hostname()}/pid-${process.pid}`;
  }

  /** Settings for a worker process to open the same storage. */
  toSpec(): PostgresStorageSpec {
    return { kind: 'postgres', connection: this.connection, options: this.options };
  }

  private connect(): Promise<Pool> {
    this.pool ??= (async () => {
      let pg: typeof import('pg');
      try {
        const m = (await import('pg')) as typeof import('pg') & { default?: typeof import('pg') };
        pg = m.default ?? m;
      } catch (cause) {
        throw new ConfigError('PostgresStorage needs the "pg" package', {
          argument: 'pg',
          expected: 'npm install pg',
          cause,
        });
      }
      const base: PoolConfig =
        typeof this.connection === 'string'
          ? { connectionString: this.connection }
          : ({ ...this.connection } as PoolConfig);
      // allowExitOnIdle: a worker process ends when its work is done, without close().
      const pool = new pg.Pool({
        max: this.options.maxConnections ?? 4,
        allowExitOnIdle: true,
        ...base,
      });
      pool.on('error', () => undefined); // an idle client lost its server; the next query reports it
      await this.withClient(pool, (c) => this.createSchema(c));
      return pool;
    })();
    return this.pool;
  }

  private async withClient<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (cause) {
      throw new IOError('cannot connect to PostgreSQL', { argument: 'connection', cause });
    }
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  }

  private async run<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    return this.withClient(await this.connect(), fn);
  }

  private async createSchema(c: PoolClient): Promise<void> {
    const { studies, trials, params, intermediate, attrs, queue } = this.t;
    // Serialise concurrent first uses: CREATE TABLE IF NOT EXISTS races on the catalog otherwise.
    await c.query('BEGIN');
    try {
      await c.query("SELECT pg_advisory_xact_lock(hashtext('trainkit_hpo_schema'))");
      await c.query(`
        CREATE TABLE IF NOT EXISTS ${studies} (
          name text PRIMARY KEY, directions json, created_at double precision);
        CREATE TABLE IF NOT EXISTS ${trials} (
          study text NOT NULL REFERENCES ${studies}(name) ON DELETE CASCADE,
          number integer NOT NULL,
          state text NOT NULL CHECK (state IN ('running', 'complete', 'pruned', 'failed')),
          worker text, started_at double precision NOT NULL, completed_at double precision,
          "values" double precision[], error text, fixed json, grid_id integer,
          heartbeat timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (study, number));
        CREATE UNIQUE INDEX IF NOT EXISTS ${trials}_grid_point
          ON ${trials} (study, grid_id) WHERE grid_id IS NOT NULL AND state <> 'failed';
        CREATE TABLE IF NOT EXISTS ${params} (
          seq bigserial PRIMARY KEY, study text NOT NULL, number integer NOT NULL,
          name text NOT NULL, distribution json NOT NULL, value json NOT NULL,
          UNIQUE (study, number, name),
          FOREIGN KEY (study, number) REFERENCES ${trials}(study, number) ON DELETE CASCADE);
        CREATE TABLE IF NOT EXISTS ${intermediate} (
          study text NOT NULL, number integer NOT NULL, step integer NOT NULL,
          value double precision NOT NULL,
          PRIMARY KEY (study, number, step),
          FOREIGN KEY (study, number) REFERENCES ${trials}(study, number) ON DELETE CASCADE);
        CREATE TABLE IF NOT EXISTS ${attrs} (
          seq bigserial PRIMARY KEY, study text NOT NULL, number integer NOT NULL,
          key text NOT NULL, value json,
          UNIQUE (study, number, key),
          FOREIGN KEY (study, number) REFERENCES ${trials}(study, number) ON DELETE CASCADE);
        CREATE TABLE IF NOT EXISTS ${queue} (
          id bigserial PRIMARY KEY,
          study text NOT NULL REFERENCES ${studies}(name) ON DELETE CASCADE,
          params json NOT NULL, time double precision);`);
      await c.query('COMMIT');
    } catch (cause) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw new IOError('cannot create the PostgreSQL tables', { argument: 'connection', cause });
    }
  }

  private async read(c: PoolClient, study: string): Promise<StudyState> {
    const { studies, trials, params, intermediate, attrs, queue } = this.t;
    const s: StudyState = { trials: [], queue: [] };
    const st = await c.query(`SELECT directions FROM ${studies} WHERE name = $1`, [study]);
    if (st.rows[0]?.directions) s.direction = st.rows[0].directions;
    const byNumber = new Map<number, FrozenTrial>();
    const tr = await c.query(
      `SELECT number, state, worker, started_at, completed_at, "values", error, fixed, grid_id
       FROM ${trials} WHERE study = $1 ORDER BY number`,
      [study],
    );
    for (const r of tr.rows) {
      const t: FrozenTrial = {
        number: r.number,
        state: r.state as TrialState,
        params: {},
        distributions: {},
        intermediate: {},
        userAttrs: {},
        worker: r.worker ?? undefined,
        startedAt: r.started_at,
      };
      if (r.worker === null) delete t.worker;
      if (r.fixed !== null) t.fixed = r.fixed;
      if (r.grid_id !== null) t.gridId = r.grid_id;
      if (r.values !== null) t.values = r.values;
      if (r.error !== null) t.error = r.error;
      if (r.completed_at !== null) t.completedAt = r.completed_at;
      byNumber.set(t.number, t);
      s.trials.push(t);
    }
    const rows = async (sql: string) => (await c.query(sql, [study])).rows;
    for (const r of await rows(
      `SELECT number, name, distribution, value FROM ${params} WHERE study = $1 ORDER BY seq`,
    )) {
      const t = byNumber.get(r.number);
      if (!t) continue;
      t.params[r.name] = r.value as ParamValue;
      t.distributions[r.name] = r.distribution as Distribution;
    }
    for (const r of await rows(
      `SELECT number, step, value FROM ${intermediate} WHERE study = $1 ORDER BY number, step`,
    ))
      if (byNumber.has(r.number)) byNumber.get(r.number)!.intermediate[r.step] = r.value;
    for (const r of await rows(
      `SELECT number, key, value FROM ${attrs} WHERE study = $1 ORDER BY seq`,
    ))
      if (byNumber.has(r.number)) byNumber.get(r.number)!.userAttrs[r.key] = r.value;
    for (const r of await rows(`SELECT params FROM ${queue} WHERE study = $1 ORDER BY id`))
      s.queue.push(r.params);
    return s;
  }

  private async write(c: PoolClient, study: string, o: Op): Promise<void> {
    const { studies, trials, params, intermediate, attrs, queue } = this.t;
    const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
    switch (o.op) {
      case 'study':
        await c.query(
          `INSERT INTO ${studies} (name, directions, created_at) VALUES ($1, $2, $3)
           ON CONFLICT (name) DO UPDATE SET directions = COALESCE(${studies}.directions, EXCLUDED.directions)`,
          [study, json(o.direction), o.time],
        );
        return;
      case 'enqueue':
        await this.ensureStudy(c, study);
        await c.query(`INSERT INTO ${queue} (study, params, time) VALUES ($1, $2, $3)`, [
          study,
          json(o.params),
          o.time,
        ]);
        return;
      case 'create':
        await this.ensureStudy(c, study);
        await c.query(
          `INSERT INTO ${trials} (study, number, state, worker, started_at, fixed, grid_id)
           VALUES ($1, $2, 'running', $3, $4, $5, $6)`,
          [study, o.number, o.worker, o.time, json(o.fixed), o.gridId ?? null],
        );
        if (o.fixed)
          await c.query(
            `DELETE FROM ${queue} WHERE id = (SELECT min(id) FROM ${queue} WHERE study = $1)`,
            [study],
          );
        return;
      case 'param':
        await c.query(
          `INSERT INTO ${params} (study, number, name, distribution, value) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (study, number, name) DO UPDATE SET distribution = EXCLUDED.distribution, value = EXCLUDED.value`,
          [study, o.number, o.name, json(o.distribution), json(o.value)],
        );
        return;
      case 'report':
        await c.query(
          `INSERT INTO ${intermediate} (study, number, step, value) VALUES ($1, $2, $3, $4)
           ON CONFLICT (study, number, step) DO UPDATE SET value = EXCLUDED.value`,
          [study, o.number, o.step, o.value],
        );
        return;
      case 'attr':
        await c.query(
          `INSERT INTO ${attrs} (study, number, key, value) VALUES ($1, $2, $3, $4)
           ON CONFLICT (study, number, key) DO UPDATE SET value = EXCLUDED.value`,
          [study, o.number, o.key, json(o.value)],
        );
        return;
      case 'finish': {
        const r = await c.query(
          `UPDATE ${trials} SET state = $3, "values" = $4, error = $5, completed_at = $6
           WHERE study = $1 AND number = $2 AND state = 'running'`,
          [study, o.number, o.state, o.values ?? null, o.error ?? null, o.time],
        );
        if (r.rowCount === 0) {
          const exists = await c.query(
            `SELECT state FROM ${trials} WHERE study = $1 AND number = $2`,
            [study, o.number],
          );
          if (exists.rowCount === 0)
            throw new StateError(`trial ${o.number} of study "${study}" does not exist`, {
              argument: 'number',
              received: o.number,
            });
          // Already finished (e.g. failed by recovery after its worker was declared dead): keep it.
        }
        return;
      }
    }
  }

  private async ensureStudy(c: PoolClient, study: string): Promise<void> {
    await c.query(`INSERT INTO ${this.t.studies} (name) VALUES ($1) ON CONFLICT DO NOTHING`, [
      study,
    ]);
  }

  private async inTransaction<T>(
    c: PoolClient,
    fn: () => Promise<T>,
    isolation = 'READ COMMITTED',
  ): Promise<T> {
    await c.query(`BEGIN ISOLATION LEVEL ${isolation}`);
    try {
      const out = await fn();
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      if (e instanceof StateError || e instanceof IOError || e instanceof ConfigError) throw e;
      const code = (e as { code?: string })?.code;
      // 23503: a trial that was never created; 23505: a trial number or grid point taken twice.
      if (code === '23503' || code === '23505')
        throw new StateError(`PostgreSQL storage refused a write: ${(e as Error).message}`, {
          argument: 'ops',
          cause: e,
        });
      throw new IOError(`PostgreSQL storage: ${(e as Error)?.message ?? e}`, {
        argument: 'storage',
        cause: e,
      });
    }
  }

  async load(study: string): Promise<StudyState> {
    // One snapshot for all the tables, so a trial and its params are seen together.
    return this.run((c) => this.inTransaction(c, () => this.read(c, study), 'REPEATABLE READ'));
  }

  async append(study: string, ops: Op[]): Promise<void> {
    if (ops.length === 0) return;
    await this.run((c) =>
      this.inTransaction(c, async () => {
        for (const o of ops) await this.write(c, study, o);
      }),
    );
  }

  async transaction<T>(study: string, fn: (s: StudyState) => { ops: Op[]; result: T }): Promise<T> {
    return this.run((c) =>
      this.inTransaction(c, async () => {
        await this.ensureStudy(c, study);
        // The study's row lock serialises every read-modify-write of this study across workers.
        await c.query(`SELECT name FROM ${this.t.studies} WHERE name = $1 FOR UPDATE`, [study]);
        const { ops, result } = fn(await this.read(c, study));
        for (const o of ops) await this.write(c, study, o);
        return result;
      }),
    );
  }

  /** Refreshes the heartbeat of `worker`'s running trials (called periodically by `optimize`). */
  async heartbeat(study: string, worker: string): Promise<void> {
    await this.run((c) =>
      c.query(
        `UPDATE ${this.t.trials} SET heartbeat = now() WHERE study = $1 AND worker = $2 AND state = 'running'`,
        [study, worker],
      ),
    );
  }

  /** Numbers of the running trials whose heartbeat is older than `staleAfterMs`. */
  async staleTrials(study: string): Promise<number[]> {
    const r = await this.run((c) =>
      c.query(
        `SELECT number FROM ${this.t.trials} WHERE study = $1 AND state = 'running'
         AND heartbeat < now() - make_interval(secs => $2) ORDER BY number`,
        [study, this.staleAfterMs / 1000],
      ),
    );
    return r.rows.map((x) => x.number as number);
  }

  /** Deletes a study and all its trials. */
  async deleteStudy(study: string): Promise<void> {
    await this.run((c) => c.query(`DELETE FROM ${this.t.studies} WHERE name = $1`, [study]));
  }

  /** Names of the studies in the database. */
  async studyNames(): Promise<string[]> {
    const r = await this.run((c) => c.query(`SELECT name FROM ${this.t.studies} ORDER BY name`));
    return r.rows.map((x) => x.name as string);
  }

  /** Closes this process's connections. */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await (await pool.catch(() => undefined))?.end();
  }
}
