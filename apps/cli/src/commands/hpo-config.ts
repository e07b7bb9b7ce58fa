// The settings of a `trainkit hpo` study (study.json of its folder): the space over `train`'s
// options, the fixed options, the budget, the sampler and pruner by name. Every problem is a
// UsageError naming the key.
import { isTrainkitError } from '@trainkit/core';
import {
  ashaPruner,
  type Choice,
  categorical,
  cmaEsSampler,
  type Distribution,
  float,
  geneticSampler,
  gpSampler,
  gridSampler,
  hyperbandPruner,
  int,
  medianPruner,
  nopPruner,
  type ParamValue,
  type Pruner,
  randomSampler,
  type Sampler,
  type SearchSpace,
  spaceGrid,
  tpeSampler,
} from '@trainkit/hpo';
import { camel, coerce, type FlagSpec } from '../args';
import { UsageError } from '../usage-error';
import type { HPO_PRUNERS, HPO_SAMPLERS } from './hpo-spec';
import { trainSpec } from './specs';

/** What study.json holds. */
export interface HpoSettings {
  kind: 'trainkit.hpo';
  version: 1;
  createdAt: string;
  /** Name of the study in the storage. */
  study: string;
  /** An absolute journal path, or a postgresql:// URL without its password. */
  storage: string;
  metric: 'val_acc' | 'val_loss';
  direction: 'maximize' | 'minimize';
  /** Budget: trials in the study, failed ones rerun on resume. */
  trials: number;
  timeout?: number;
  sampler: (typeof HPO_SAMPLERS)[number];
  samplerOptions: Record<string, unknown>;
  pruner: (typeof HPO_PRUNERS)[number];
  prunerOptions: Record<string, unknown>;
  gridPoints: number;
  seed: number;
  workers: number;
  staleAfter: number;
  space: SearchSpace;
  /** Fixed options of `trainkit train` for every trial (camelCase). */
  train: Record<string, unknown>;
  /** Coarse-to-fine: the study this space was narrowed from. */
  narrowedFrom?: { dir: string; study: string; top?: number; space: SearchSpace };
}

const NOT_SEARCHABLE = new Set(['out', 'resume', 'config', 'debug', 'help']);

function trainFlag(key: string, where: string): FlagSpec {
  const flag = trainSpec.flags.find((f) => camel(f.name) === camel(key));
  if (!flag || NOT_SEARCHABLE.has(flag.name)) {
    throw new UsageError(
      `${where}: '${key}' is not an option of trainkit train (see trainkit train --help; --out and --resume are set per trial)`,
    );
  }
  return flag;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A distribution from the config's form, wrapping the hpo package's range errors. */
function distribution(key: string, raw: unknown): Distribution {
  const where = `space.${key}`;
  const flag = trainFlag(key, 'space');
  if (flag.type === 'json') {
    throw new UsageError(
      `${where}: JSON options cannot be searched (search a scalar flag instead)`,
    );
  }
  const checked = (v: unknown) => coerce(flag, v, where) as Choice;
  try {
    if (Array.isArray(raw)) return categorical(raw.map(checked));
    if (!isObject(raw)) {
      throw new UsageError(
        `invalid value for ${where}: ${JSON.stringify(raw)} (expected a list of choices or {type, low, high, log, step})`,
      );
    }
    const type =
      raw.type ??
      (raw.choices !== undefined ? 'categorical' : flag.type === 'int' ? 'int' : 'float');
    if (type === 'categorical') {
      if (!Array.isArray(raw.choices))
        throw new UsageError(`${where}.choices: expected a list of choices`);
      return categorical(raw.choices.map(checked));
    }
    if (type !== 'float' && type !== 'int') {
      throw new UsageError(
        `${where}.type: expected float, int or categorical, got ${JSON.stringify(type)}`,
      );
    }
    if (flag.type !== 'number' && flag.type !== 'int') {
      throw new UsageError(`${where}: --${flag.name} is not numeric; give its choices as a list`);
    }
    if (flag.type === 'int' && type === 'float') {
      throw new UsageError(`${where}: --${flag.name} takes integers; use type int`);
    }
    for (const k of Object.keys(raw)) {
      if (!['type', 'low', 'high', 'log', 'step'].includes(k))
        throw new UsageError(`${where}: unknown key '${k}' (expected type, low, high, log, step)`);
    }
    const low = checked(raw.low) as number;
    const high = checked(raw.high) as number;
    if (raw.log !== undefined && typeof raw.log !== 'boolean')
      throw new UsageError(`${where}.log: expected true or false`);
    const options = {
      ...(raw.log === undefined ? {} : { log: raw.log as boolean }),
      ...(raw.step === undefined ? {} : { step: raw.step as number }),
    };
    return type === 'int' ? int(low, high, options) : float(low, high, options);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if (isTrainkitError(e)) throw new UsageError(`${where}: ${(e as Error).message}`);
    throw e;
  }
}

/** The search space of the config (`space:`), checked against `train`'s flags. */
export function parseSpace(raw: unknown): SearchSpace {
  if (!isObject(raw) || Object.keys(raw).length === 0) {
    throw new UsageError(
      '--space: expected an object of searched train options, e.g. {"lr": {"type": "float", "low": 1e-4, "high": 0.1, "log": true}}',
    );
  }
  const space: SearchSpace = {};
  for (const [key, value] of Object.entries(raw)) space[camel(key)] = distribution(key, value);
  return space;
}

/** The fixed train options (`train:`), coerced like flags; none may also be searched. */
export function parseTrainOptions(raw: unknown, space: SearchSpace): Record<string, unknown> {
  if (raw === undefined) return {};
  if (!isObject(raw)) throw new UsageError('--train: expected an object of train options');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const flag = trainFlag(key, 'train');
    const name = camel(flag.name);
    if (name in space) throw new UsageError(`train.${key}: '${name}' is also in the space`);
    out[name] = coerce(flag, value, `train.${key}`);
  }
  const validation = (out.validation as number | undefined) ?? 0.1;
  if (!(validation > 0)) {
    throw new UsageError('train.validation: trials are scored on a validation split (> 0)');
  }
  return out;
}

/** The options each sampler and pruner takes from a config (the JSON-able ones). */
const OPTION_KEYS: Record<string, string[]> = {
  tpe: ['nStartupTrials', 'nEiCandidates', 'priorWeight', 'multivariate'],
  random: [],
  grid: [],
  gp: ['nStartupTrials', 'nCandidates'],
  cmaes: ['sigma0', 'populationSize'],
  genetic: ['populationSize', 'tournamentSize', 'mutationProb', 'mutationScale'],
  evolutionary: ['populationSize', 'tournamentSize', 'mutationProb', 'mutationScale'],
  none: [],
  median: ['nStartupTrials', 'nWarmupSteps'],
  asha: ['minResource', 'reductionFactor', 'minEarlyStoppingRate'],
  hyperband: ['minResource', 'maxResource', 'reductionFactor'],
};

/** Refuses an options object with keys `name` does not take (a typo would be ignored silently). */
function checkOptionKeys(flag: string, name: string, options: unknown): Record<string, unknown> {
  if (!isObject(options)) throw new UsageError(`${flag}: expected an object of options`);
  const allowed = OPTION_KEYS[name] ?? [];
  for (const k of Object.keys(options)) {
    if (!allowed.includes(k)) {
      throw new UsageError(
        `${flag}: unknown option '${k}' for the ${name} ${flag === '--sampler-options' ? 'sampler' : 'pruner'} (${allowed.length ? `options: ${allowed.join(', ')}` : noOptions(name)})`,
      );
    }
  }
  return options;
}
const noOptions = (name: string) =>
  name === 'grid' ? 'it takes none; use --grid-points' : 'it takes none';

/** The sampler of the settings (grid: over `spaceGrid(space, gridPoints)`). */
export function buildSampler(
  s: Pick<HpoSettings, 'sampler' | 'samplerOptions' | 'space' | 'gridPoints'>,
): Sampler {
  const o = checkOptionKeys('--sampler-options', s.sampler, s.samplerOptions);
  try {
    switch (s.sampler) {
      case 'grid':
        return gridSampler(spaceGrid(s.space, { points: s.gridPoints }));
      case 'random':
        return randomSampler();
      case 'gp':
        return gpSampler(o);
      case 'cmaes':
        return cmaEsSampler(o);
      case 'genetic':
      case 'evolutionary':
        return geneticSampler(o);
      default:
        return tpeSampler(o);
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if (isTrainkitError(e)) throw new UsageError(`--sampler-options: ${(e as Error).message}`);
    throw e;
  }
}

/** The pruner of the settings. */
export function buildPruner(s: Pick<HpoSettings, 'pruner' | 'prunerOptions' | 'train'>): Pruner {
  const o = checkOptionKeys('--pruner-options', s.pruner, s.prunerOptions);
  try {
    switch (s.pruner) {
      case 'none':
        return nopPruner();
      case 'asha':
        return ashaPruner(o);
      case 'hyperband':
        // Resource = epochs: the largest is the trials' epoch count unless given.
        return hyperbandPruner({ maxResource: (s.train.epochs as number | undefined) ?? 6, ...o });
      default:
        return medianPruner(o);
    }
  } catch (e) {
    if (isTrainkitError(e)) throw new UsageError(`--pruner-options: ${(e as Error).message}`);
    throw e;
  }
}

/** Points of the grid sampler's grid. */
export function gridSize(s: Pick<HpoSettings, 'space' | 'gridPoints'>): number {
  return Object.values(spaceGrid(s.space, { points: s.gridPoints })).reduce(
    (a, v) => a * v.length,
    1,
  );
}

/** A postgresql:// URL without its password (which study.json must not keep). */
export function withoutPassword(url: string): string {
  // user:password@ in the authority; pg also takes URLs WHATWG URL refuses (an empty host with
  // ?host=/socket/dir), so this is a pattern rather than new URL().
  return url.replace(/^(postgres(?:ql)?:\/\/[^:@/?#]*):[^@/?#]*@/, '$1@');
}

export const isPostgresUrl = (s: string): boolean => /^postgres(ql)?:\/\//.test(s);

/** `lr=0.0031 optimizer=adam`: a trial's parameters on one line. */
export function formatParams(params: Record<string, ParamValue>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`)
    .join(' ');
}
