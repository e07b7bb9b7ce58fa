import { parseArgs } from 'node:util';
import { UsageError } from './usage-error';

/** The kinds of values a flag takes. A string array is a closed set of choices. */
export type FlagType = 'string' | 'number' | 'int' | 'boolean' | 'json' | readonly string[];

/** One flag of a subcommand: `--kebab-name`, read from a config file as `camelName`. */
export interface FlagSpec {
  name: string;
  type: FlagType;
  help: string;
  /** Shown in `--help` and used when neither the file nor the command line sets it. */
  default?: unknown;
  /** For numbers: inclusive bounds; `exclusiveMin` makes the lower one strict. */
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  /** Not written into a resolved config file (paths of this invocation such as `--config`). */
  transient?: boolean;
  /** For JSON flags: the value must be a JSON object, or an array of positive integers (a shape). */
  json?: 'object' | 'shape';
  /** For choices: other accepted spellings, each read as the choice it maps to. */
  aliases?: Readonly<Record<string, string>>;
}

/** A subcommand's interface: its flags, positional arguments and a usage example. */
export interface CommandSpec {
  name: string;
  summary: string;
  flags: FlagSpec[];
  /** Names of positional arguments (`<run-dir>`), each required. */
  positionals?: string[];
  examples: string[];
}

/** Flags every subcommand has. */
export const COMMON_FLAGS: FlagSpec[] = [
  {
    name: 'config',
    type: 'string',
    help: 'JSON or YAML file of options (keys in camelCase or as the flags); flags override it',
    transient: true,
  },
  { name: 'debug', type: 'boolean', help: 'print stack traces of errors', transient: true },
  { name: 'help', type: 'boolean', help: 'show this help', transient: true },
];

export const camel = (kebab: string): string =>
  kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
export const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The parsed invocation: options keyed by camelCase flag name, positionals in order. */
export interface Parsed {
  options: Record<string, unknown>;
  positionals: string[];
  /** Options that came from the command line (not from the config file or defaults). */
  explicit: Set<string>;
}

function allFlags(spec: CommandSpec): FlagSpec[] {
  return [...spec.flags, ...COMMON_FLAGS];
}

/** A decimal number as people write it (no hex, octal or binary literals, no `Infinity`). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Converts and checks one value (from the command line as a string, or from a config file as
 * any JSON value) against its flag; throws a {@link UsageError} naming the flag otherwise.
 */
export function coerce(flag: FlagSpec, value: unknown, where = `--${flag.name}`): unknown {
  const bad = (expected: string): never => {
    // JSON.stringify writes Infinity and NaN as `null`: show them as they are.
    const shown =
      typeof value === 'number' && !Number.isFinite(value) ? String(value) : JSON.stringify(value);
    throw new UsageError(`invalid value for ${where}: ${shown} (expected ${expected})`);
  };
  const t = flag.type;
  if (Array.isArray(t)) {
    if (typeof value === 'string' && flag.aliases && Object.hasOwn(flag.aliases, value))
      return flag.aliases[value];
    if (typeof value !== 'string' || !t.includes(value)) bad(`one of ${t.join(', ')}`);
    return value;
  }
  switch (t) {
    case 'string':
      if (typeof value !== 'string' || value.length === 0) bad('a non-empty string');
      return value;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true') return true;
      if (value === 'false') return false;
      return bad('true or false');
    case 'json': {
      let v = value;
      if (typeof value === 'string') {
        try {
          v = JSON.parse(value);
        } catch {
          return bad('JSON');
        }
      }
      if (flag.json === 'object' && (v === null || typeof v !== 'object' || Array.isArray(v))) {
        return bad('a JSON object such as \'{"key": 1}\'');
      }
      if (
        flag.json === 'shape' &&
        !(Array.isArray(v) && v.length > 0 && v.every((d) => Number.isInteger(d) && d > 0))
      ) {
        return bad('a JSON array of positive integers such as [8,8,1]');
      }
      return v;
    }
    default: {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && DECIMAL.test(value.trim())
            ? Number(value)
            : Number.NaN;
      const words = t === 'int' ? 'an integer' : 'a number';
      if (!Number.isFinite(n) || (t === 'int' && !Number.isInteger(n))) bad(words);
      const range: string[] = [];
      if (flag.min !== undefined) range.push(`${flag.exclusiveMin ? '>' : '>='} ${flag.min}`);
      if (flag.max !== undefined) range.push(`<= ${flag.max}`);
      const tooLow = flag.min !== undefined && (flag.exclusiveMin ? n <= flag.min : n < flag.min);
      const tooHigh = flag.max !== undefined && n > flag.max;
      if (tooLow || tooHigh) bad(`${words} ${range.join(' and ')}`);
      return n;
    }
  }
}

/**
 * Parses `argv` (after the subcommand) with Node's `util.parseArgs` in strict mode, merges the
 * `--config` file's options underneath (flags win), fills defaults, and checks every value.
 * `readConfig` reads the file (injected so tests need no files).
 */
export function parseCommand(
  spec: CommandSpec,
  argv: string[],
  readConfig: (path: string) => Record<string, unknown>,
): Parsed {
  const flags = allFlags(spec);
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const f of flags) options[f.name] = { type: f.type === 'boolean' ? 'boolean' : 'string' };
  // `--lr -1` would read as an option named `1`: join a negative number to its flag.
  // `--no-<flag>` switches a boolean flag off (one that defaults to on, such as bench's --torch).
  const negated: string[] = [];
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const next = argv[i + 1];
    const f = a.startsWith('--') ? flags.find((x) => `--${x.name}` === a) : undefined;
    const off = a.startsWith('--no-') ? flags.find((x) => `--no-${x.name}` === a) : undefined;
    if (off && off.type === 'boolean' && !off.transient) {
      negated.push(off.name);
      continue;
    }
    if (f && f.type !== 'boolean' && next !== undefined && /^-\d|^-\.\d/.test(next)) {
      args.push(`${a}=${next}`);
      i += 1;
    } else args.push(a);
  }
  let raw: { values: Record<string, unknown>; positionals: string[] };
  try {
    raw = parseArgs({ args, options, strict: true, allowPositionals: true }) as typeof raw;
  } catch (e) {
    throw new UsageError(
      `${describeParseError(e, argv)} for 'trainkit ${spec.name}' (see trainkit ${spec.name} --help)`,
    );
  }
  const byCamel = new Map(flags.map((f) => [camel(f.name), f]));
  const out: Record<string, unknown> = {};
  const explicit = new Set<string>();
  const configPath = raw.values.config as string | undefined;
  if (configPath !== undefined && !raw.values.help) {
    const file = readConfig(configPath);
    for (const [key, value] of Object.entries(file)) {
      const f = byCamel.get(camel(key));
      if (!f || f.transient) {
        throw new UsageError(
          `unknown option '${key}' in ${configPath} for 'trainkit ${spec.name}'`,
        );
      }
      out[camel(f.name)] = coerce(f, value, `'${key}' in ${configPath}`);
    }
  }
  for (const [name, value] of Object.entries(raw.values)) {
    const f = flags.find((x) => x.name === name)!;
    out[camel(name)] = coerce(f, value);
    explicit.add(camel(name));
  }
  for (const name of negated) {
    out[camel(name)] = false;
    explicit.add(camel(name));
  }
  for (const f of flags) {
    const k = camel(f.name);
    if (out[k] === undefined && f.default !== undefined) out[k] = f.default;
  }
  const want = spec.positionals ?? [];
  if (!out.help) {
    if (raw.positionals.length < want.length) {
      throw new UsageError(
        `'trainkit ${spec.name}' needs <${want[raw.positionals.length]}> (see trainkit ${spec.name} --help)`,
      );
    }
    if (raw.positionals.length > want.length) {
      throw new UsageError(
        `unexpected argument '${raw.positionals[want.length]}' for 'trainkit ${spec.name}' (see trainkit ${spec.name} --help)`,
      );
    }
  }
  return { options: out, positionals: raw.positionals, explicit };
}

function describeParseError(e: unknown, argv: string[]): string {
  const err = e as { code?: string; message?: string };
  const msg = err.message ?? String(e);
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const m = /'([^']+)'/.exec(msg);
    return `unknown option '${m?.[1] ?? argv.find((a) => a.startsWith('-')) ?? '?'}'`;
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const m = /'([^']+)'/.exec(msg);
    return `option '${m?.[1]?.split(' ')[0] ?? '?'}' needs a value`;
  }
  return msg.split('\n')[0] ?? msg;
}

/** The `--help` text of a subcommand. */
export function helpText(spec: CommandSpec): string {
  const pos = (spec.positionals ?? []).map((p) => ` <${p}>`).join('');
  const lines = [`trainkit ${spec.name}${pos} [options]`, '', spec.summary, '', 'Options:'];
  const flags = allFlags(spec);
  const left = flags.map((f) => {
    const v =
      f.type === 'boolean'
        ? ''
        : Array.isArray(f.type)
          ? ` <${(f.type as readonly string[]).join('|')}>`
          : ` <${f.type === 'int' ? 'n' : f.type === 'number' ? 'x' : f.type === 'json' ? 'json' : 'value'}>`;
    return f.type === 'boolean' && f.default === true ? `  --[no-]${f.name}` : `  --${f.name}${v}`;
  });
  const width = Math.min(44, Math.max(...left.map((s) => s.length)) + 2);
  flags.forEach((f, i) => {
    const l = left[i] as string;
    const def = f.default === undefined ? '' : ` (default ${JSON.stringify(f.default)})`;
    const aliases = Object.entries(f.aliases ?? {}).map(([a, c]) => `${a} = ${c}`);
    const also = aliases.length ? ` (also accepted: ${aliases.join(', ')})` : '';
    const pad = l.length >= width ? `\n${' '.repeat(width)}` : ' '.repeat(width - l.length);
    lines.push(`${l}${pad}${f.help}${also}${def}`);
  });
  lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}
