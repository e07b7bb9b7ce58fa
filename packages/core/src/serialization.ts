import { ConfigError } from './errors';

/** JSON-compatible values. */
export type JSONValue = string | number | boolean | null | JSONValue[] | { [k: string]: JSONValue };

/** The serialized form of every trainkit component: a registered `kind`, a `version`, options. */
export interface Serialized {
  kind: string;
  version: number;
  [option: string]: unknown;
}

/** Anything that serializes to a {@link Serialized} object. */
export interface Serializable {
  toJSON(): Serialized;
}

type Factory = (json: Serialized) => unknown;
interface Entry {
  version: number;
  factory: Factory;
  migrate?: (json: Serialized) => Serialized;
}

const registry = new Map<string, Entry>();

/**
 * Registers how to rebuild a `kind` from JSON. Kinds are namespaced by package
 * (`optimizers.adam`, `schedules.cosineDecay`). `version` is the newest one this code writes;
 * `migrate` upgrades older JSON, and newer JSON than `version` is refused.
 * Registering the same kind again replaces it (hot reload, tests).
 */
export function registerKind(
  kind: string,
  factory: Factory,
  options: { version?: number; migrate?: (json: Serialized) => Serialized } = {},
): void {
  if (typeof kind !== 'string' || kind.length === 0) {
    throw new ConfigError('kind must be a non-empty string', { argument: 'kind', received: kind });
  }
  const entry: Entry = { version: options.version ?? 1, factory };
  if (options.migrate) entry.migrate = options.migrate;
  registry.set(kind, entry);
}

/** Is a kind registered? */
export function isRegistered(kind: string): boolean {
  return registry.has(kind);
}

/** The registered kinds, sorted. */
export function registeredKinds(): string[] {
  return [...registry.keys()].sort();
}

/** Serializes a component (calls its `toJSON`) and checks the result has `kind` and `version`. */
export function toJSON(component: Serializable): Serialized {
  const json = component?.toJSON?.();
  if (!json || typeof json.kind !== 'string' || typeof json.version !== 'number') {
    throw new ConfigError('component does not serialize to { kind, version }', {
      argument: 'component',
      expected: 'an object whose toJSON() returns { kind: string, version: number, ... }',
      received: json ?? component,
    });
  }
  return json;
}

/**
 * Rebuilds a component from its JSON through the registry.
 * Unknown kind, missing version or a version newer than the code -> `ConfigError`.
 */
export function fromJSON<T = unknown>(json: unknown): T {
  const j = typeof json === 'string' ? (JSON.parse(json) as unknown) : json;
  if (!j || typeof j !== 'object' || typeof (j as Serialized).kind !== 'string') {
    throw new ConfigError('not a serialized component', {
      argument: 'json',
      expected: '{ kind: string, version: number, ... }',
      received: j,
    });
  }
  const s = j as Serialized;
  const entry = registry.get(s.kind);
  if (!entry) {
    const known = registeredKinds();
    throw new ConfigError(`unknown kind "${s.kind}"`, {
      argument: 'json.kind',
      expected: known.length
        ? `a registered kind (${known.slice(0, 20).join(', ')}${known.length > 20 ? ', ...' : ''}); call the defining package's register*Kinds() or use its *FromJSON`
        : "a registered kind (none registered: call the defining package's register*Kinds() or use its *FromJSON)",
      received: s.kind,
    });
  }
  if (typeof s.version !== 'number' || !Number.isInteger(s.version) || s.version < 1) {
    throw new ConfigError(`invalid version for kind "${s.kind}"`, {
      argument: 'json.version',
      expected: 'a positive integer',
      received: s.version,
    });
  }
  if (s.version > entry.version) {
    throw new ConfigError(`kind "${s.kind}" version ${s.version} is newer than this code`, {
      argument: 'json.version',
      expected: `<= ${entry.version}`,
      received: s.version,
    });
  }
  const upgraded = s.version < entry.version && entry.migrate ? entry.migrate(s) : s;
  return entry.factory(upgraded) as T;
}
