import { ConfigError, IOError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../args';
import { namingTheFlag, TRAINING_FLAGS } from './flag-errors';
import { trainSpec, transferSpec } from './specs';

describe('library errors named by the user flag', () => {
  it("renames fit's batchSize error to --batch-size, keeping its class, text and cause", () => {
    const e = new ConfigError('a training step at batch 32 needs about 5.5 GiB', {
      argument: 'batchSize',
      expected: 'a batch of 23 or fewer',
      received: 32,
    });
    const named = namingTheFlag(e, TRAINING_FLAGS) as ConfigError;
    expect(named).toBeInstanceOf(ConfigError);
    expect(named.argument).toBe('--batch-size');
    expect(named.message).toBe(
      '--batch-size: a training step at batch 32 needs about 5.5 GiB; expected a batch of 23 or fewer; received 32',
    );
    expect(named.cause).toBe(e);
  });

  it('leaves other errors as they are', () => {
    const io = new IOError('cannot read', { argument: 'model.json' });
    expect(namingTheFlag(io, TRAINING_FLAGS)).toBe(io);
    const plain = new Error('x');
    expect(namingTheFlag(plain, TRAINING_FLAGS)).toBe(plain);
  });
});

describe('--accumulate-steps', () => {
  it('train and transfer take it (default 1) and refuse 0', () => {
    for (const spec of [trainSpec, transferSpec]) {
      const args = spec === transferSpec ? ['darknet-tiny'] : [];
      const noFile = () => ({});
      expect(parseCommand(spec, args, noFile).options.accumulateSteps).toBe(1);
      expect(
        parseCommand(spec, [...args, '--accumulate-steps', '4'], noFile).options.accumulateSteps,
      ).toBe(4);
      expect(() => parseCommand(spec, [...args, '--accumulate-steps', '0'], noFile)).toThrow(
        /--accumulate-steps/,
      );
    }
  });
});
