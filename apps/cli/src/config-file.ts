import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UsageError } from './usage-error';

/**
 * Reads a `--config` file: JSON (`.json`) or YAML (`.yaml` / `.yml`; other names are tried as
 * YAML, which also reads JSON). The top level must be a mapping of option names to values.
 */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read config file ${path}${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`,
    );
  }
  return parseConfigText(text, path);
}

/** Parses config text; `name` decides JSON vs YAML and names the file in errors. */
export function parseConfigText(text: string, name: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = extname(name).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    const first = ((e as Error).message ?? String(e)).split('\n')[0];
    throw new UsageError(
      `config file ${name} is not valid ${extname(name) === '.json' ? 'JSON' : 'YAML'}: ${first}`,
    );
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`config file ${name} must hold a mapping of option names to values`);
  }
  return value as Record<string, unknown>;
}
