import { describe, expect, it } from 'vitest';
import { type CommandSpec, coerce, helpText, parseCommand } from './args';
import { parseConfigText } from './config-file';
import { errorLine, exitCodeOf } from './main';
import { Interrupted, UsageError } from './usage-error';

const spec: CommandSpec = {
  name: 'demo',
  summary: 'A demo command.',
  positionals: ['dir'],
  flags: [
    { name: 'epochs', type: 'int', min: 1, default: 6, help: 'epochs' },
    {
      name: 'lr',
      type: 'number',
      min: 0,
      exclusiveMin: true,
      default: 0.002,
      help: 'learning rate',
    },
    { name: 'offset', type: 'number', help: 'any number' },
    { name: 'optimizer', type: ['sgd', 'adam'], default: 'adam', help: 'optimizer' },
    { name: 'batch-norm', type: 'boolean', help: 'batch norm' },
    { name: 'arch-options', type: 'json', help: 'options' },
    { name: 'out', type: 'string', help: 'out', transient: true },
  ],
  examples: ['trainkit demo runs/a'],
};

const noFile = (path: string): Record<string, unknown> => {
  throw new UsageError(`cannot read config file ${path}: no such file`);
};
const usage = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected a UsageError');
};

describe('parseCommand', () => {
  it('fills defaults and converts values by type', () => {
    const p = parseCommand(
      spec,
      ['runs/a', '--epochs', '3', '--batch-norm', '--arch-options', '{"depth":20}'],
      noFile,
    );
    expect(p.positionals).toEqual(['runs/a']);
    expect(p.options).toMatchObject({
      epochs: 3,
      lr: 0.002,
      optimizer: 'adam',
      batchNorm: true,
      archOptions: { depth: 20 },
    });
    expect([...p.explicit].sort()).toEqual(['archOptions', 'batchNorm', 'epochs']);
  });

  it('accepts --flag=value and negative numbers after a flag', () => {
    const p = parseCommand(spec, ['d', '--lr=0.5', '--offset', '-1.5'], noFile);
    expect(p.options.lr).toBe(0.5);
    expect(p.options.offset).toBe(-1.5);
  });

  it('switches a boolean flag off with --no-<flag>', () => {
    const withOn: CommandSpec = {
      ...spec,
      flags: [...spec.flags, { name: 'torch', type: 'boolean', default: true, help: 'torch' }],
    };
    expect(parseCommand(withOn, ['d'], noFile).options.torch).toBe(true);
    const p = parseCommand(withOn, ['d', '--no-torch'], noFile);
    expect(p.options.torch).toBe(false);
    expect(p.explicit.has('torch')).toBe(true);
    expect(helpText(withOn)).toContain('--[no-]torch');
    expect(usage(() => parseCommand(withOn, ['d', '--no-epochs'], noFile))).toMatch(
      /unknown option '--no-epochs'/,
    );
  });

  it('rejects an unknown flag, naming it and the command', () => {
    expect(usage(() => parseCommand(spec, ['d', '--epoch', '3'], noFile))).toBe(
      "unknown option '--epoch' for 'trainkit demo' (see trainkit demo --help)",
    );
  });

  it('rejects invalid values with what was expected', () => {
    expect(usage(() => parseCommand(spec, ['d', '--epochs', '2.5'], noFile))).toBe(
      'invalid value for --epochs: "2.5" (expected an integer)',
    );
    expect(usage(() => parseCommand(spec, ['d', '--epochs', '0'], noFile))).toBe(
      'invalid value for --epochs: "0" (expected an integer >= 1)',
    );
    expect(usage(() => parseCommand(spec, ['d', '--lr', '0'], noFile))).toBe(
      'invalid value for --lr: "0" (expected a number > 0)',
    );
    expect(usage(() => parseCommand(spec, ['d', '--optimizer', 'lbfgs'], noFile))).toBe(
      'invalid value for --optimizer: "lbfgs" (expected one of sgd, adam)',
    );
    expect(usage(() => parseCommand(spec, ['d', '--arch-options', '{depth'], noFile))).toBe(
      'invalid value for --arch-options: "{depth" (expected JSON)',
    );
    expect(usage(() => parseCommand(spec, ['d', '--lr'], noFile))).toMatch(/'--lr' needs a value/);
  });

  it('checks the positional arguments', () => {
    expect(usage(() => parseCommand(spec, [], noFile))).toBe(
      "'trainkit demo' needs <dir> (see trainkit demo --help)",
    );
    expect(usage(() => parseCommand(spec, ['a', 'b'], noFile))).toMatch(/unexpected argument 'b'/);
    // --help needs no positionals
    expect(parseCommand(spec, ['--help'], noFile).options.help).toBe(true);
  });

  it('merges the config file under the flags (flags win), in camelCase or flag names', () => {
    const file = { epochs: 9, 'batch-norm': true, optimizer: 'sgd', archOptions: { depth: 32 } };
    const p = parseCommand(spec, ['d', '--config', 'c.yaml', '--optimizer', 'adam'], (path) => {
      expect(path).toBe('c.yaml');
      return file;
    });
    expect(p.options).toMatchObject({
      epochs: 9,
      batchNorm: true,
      optimizer: 'adam',
      archOptions: { depth: 32 },
    });
    expect(p.explicit.has('epochs')).toBe(false);
  });

  it('checks config file values like flags and refuses unknown or transient keys', () => {
    const run = (file: Record<string, unknown>) => () =>
      parseCommand(spec, ['d', '--config', 'c.json'], () => file);
    expect(usage(run({ epochs: -2 }))).toBe(
      "invalid value for 'epochs' in c.json: -2 (expected an integer >= 1)",
    );
    expect(usage(run({ epoch: 2 }))).toBe("unknown option 'epoch' in c.json for 'trainkit demo'");
    expect(usage(run({ out: 'x' }))).toBe("unknown option 'out' in c.json for 'trainkit demo'");
    expect(usage(() => parseCommand(spec, ['d', '--config', 'missing.yaml'], noFile))).toBe(
      'cannot read config file missing.yaml: no such file',
    );
  });
});

describe('coerce', () => {
  it('reads booleans from strings and JSON values', () => {
    const flag = { name: 'x', type: 'boolean' as const, help: '' };
    expect(coerce(flag, 'true')).toBe(true);
    expect(coerce(flag, false)).toBe(false);
    expect(usage(() => coerce(flag, 'yes'))).toBe(
      'invalid value for --x: "yes" (expected true or false)',
    );
  });
  it('refuses non-finite numbers', () => {
    const flag = { name: 'lr', type: 'number' as const, help: '' };
    expect(usage(() => coerce(flag, 'NaN'))).toMatch(/expected a number/);
    expect(usage(() => coerce(flag, 'Infinity'))).toMatch(/expected a number/);
    expect(usage(() => coerce(flag, ''))).toMatch(/expected a number/);
  });
});

describe('parseConfigText', () => {
  it('reads YAML and JSON into the same options', () => {
    const yaml = 'epochs: 3\nlr: 1.0e-3\narchOptions:\n  depth: 20\naugment: crop,flip\n';
    const json = '{"epochs": 3, "lr": 0.001, "archOptions": {"depth": 20}, "augment": "crop,flip"}';
    expect(parseConfigText(yaml, 'a.yaml')).toEqual(parseConfigText(json, 'a.json'));
    expect(parseConfigText('', 'empty.yml')).toEqual({});
  });
  it('says which file is malformed', () => {
    expect(usage(() => parseConfigText('{"epochs": }', 'c.json'))).toMatch(
      /^config file c.json is not valid JSON/,
    );
    expect(usage(() => parseConfigText('epochs: [1, 2', 'c.yaml'))).toMatch(
      /^config file c.yaml is not valid YAML/,
    );
    expect(usage(() => parseConfigText('- 1\n- 2\n', 'c.yaml'))).toBe(
      'config file c.yaml must hold a mapping of option names to values',
    );
  });
});

describe('help and errors', () => {
  it('lists every flag with its default and the examples', () => {
    const text = helpText(spec);
    expect(text).toMatch(/^trainkit demo <dir> \[options\]/);
    for (const f of [...spec.flags.map((x) => x.name), 'config', 'debug', 'help']) {
      expect(text).toContain(`--${f}`);
    }
    expect(text).toContain('(default 6)');
    expect(text).toContain('<sgd|adam>');
    expect(text).toContain('trainkit demo runs/a');
  });
  it('maps errors to one line and an exit code', async () => {
    const { ShapeError } = await import('@trainkit/core');
    const shape = new ShapeError('does not fit', {
      argument: '--dataset',
      expected: '[28, 28, 1]',
    });
    expect(errorLine(shape)).toBe('trainkit: --dataset: does not fit; expected [28, 28, 1]');
    expect(exitCodeOf(shape)).toBe(1);
    expect(exitCodeOf(new UsageError('x'))).toBe(2);
    expect(exitCodeOf(new Interrupted('x'))).toBe(130);
    expect(errorLine(new Error('first\nsecond'))).toBe('trainkit: first');
  });
});
