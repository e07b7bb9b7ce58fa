import { isTrainkitError } from '@trainkit/core';
import { type CommandSpec, helpText, type Parsed, parseCommand } from './args';
import { hpoSpec } from './commands/hpo-spec';
import { lrFindSpec } from './commands/lr-find-spec';
import {
  benchSpec,
  diagnoseSpec,
  pcaSpec,
  reportSpec,
  summarySpec,
  trainSpec,
  transferSpec,
} from './commands/specs';
import { readConfigFile } from './config-file';
import { Interrupted, UsageError } from './usage-error';

type Run = (parsed: Parsed, log: (s: string) => void) => Promise<number>;

/**
 * Every subcommand: its spec, and what runs it, loaded only when called (so that `--help` and
 * usage errors answer without loading tfjs).
 */
export const COMMANDS: { spec: CommandSpec; load: () => Promise<Run> }[] = [
  { spec: trainSpec, load: async () => (await import('./commands/train')).train },
  { spec: pcaSpec, load: async () => (await import('./commands/pca')).pcaCommand },
  { spec: transferSpec, load: async () => (await import('./commands/transfer')).transferCommand },
  { spec: hpoSpec, load: async () => (await import('./commands/hpo')).hpoCommand },
  { spec: lrFindSpec, load: async () => (await import('./commands/lr-find')).lrFindCommand },
  { spec: summarySpec, load: async () => (await import('./commands/summary')).summaryCommand },
  { spec: reportSpec, load: async () => (await import('./commands/report')).report },
  { spec: diagnoseSpec, load: async () => (await import('./commands/report')).diagnoseCommand },
  { spec: benchSpec, load: async () => (await import('./commands/bench')).benchCommand },
];

export function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length)) + 2;
  return [
    'trainkit <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)}${c.spec.summary.split('. ')[0]}`),
    '',
    'Every command takes --help, --config <file.json|yaml> (flags override the file) and --debug.',
    'Run `trainkit <command> --help` for its options.',
  ].join('\n');
}

/** Exit codes: 0 ok, 1 runtime error, 2 usage error, 130 interrupted (Ctrl-C). */
export function exitCodeOf(e: unknown): number {
  if (e instanceof UsageError) return 2;
  if (e instanceof Interrupted) return e.exitCode;
  return 1;
}

/** The one line printed for an error (without `--debug`). */
export function errorLine(e: unknown): string {
  if (e instanceof UsageError || e instanceof Interrupted) return `trainkit: ${e.message}`;
  if (isTrainkitError(e)) return `trainkit: ${e.message}`;
  const err = e as { message?: string; code?: string; path?: string };
  if (err?.code === 'ENOENT' && err.path) return `trainkit: no such file or folder: ${err.path}`;
  const first = String(err?.message ?? e).split('\n')[0];
  return `trainkit: ${first}`;
}

/**
 * Runs one invocation (`argv` without `node cli.js`) and returns its exit code; errors become
 * one line on stderr (with the stack under `--debug`).
 */
export async function main(
  argv: string[],
  io: { log: (s: string) => void; error: (s: string) => void } = {
    log: (s) => console.log(s),
    error: (s) => console.error(s),
  },
): Promise<number> {
  const debug = argv.includes('--debug');
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.log(overview());
      return name === undefined ? 2 : 0;
    }
    if (name === '--version') {
      io.log('trainkit 0.1.0');
      return 0;
    }
    const command = COMMANDS.find((c) => c.spec.name === name);
    if (!command) {
      throw new UsageError(
        `unknown command '${name}' (commands: ${COMMANDS.map((c) => c.spec.name).join(', ')})`,
      );
    }
    const parsed = parseCommand(command.spec, rest, readConfigFile);
    if (parsed.options.help) {
      io.log(helpText(command.spec));
      return 0;
    }
    const run = await command.load();
    return await run(parsed, io.log);
  } catch (e) {
    io.error(errorLine(e));
    if (debug && e instanceof Error && e.stack) io.error(e.stack);
    return exitCodeOf(e);
  }
}
