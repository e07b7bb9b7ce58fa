import { describe, expect, it, vi } from 'vitest';
import {
  ConfigError,
  DTypeError,
  describeValue,
  IOError,
  isTrainkitError,
  NaNError,
  ShapeError,
  StateError,
  TrainkitError,
  ValueRangeError,
} from './errors';

describe('TrainkitError family', () => {
  it('gives each subclass its stable code and class name', () => {
    const made = [
      [new ShapeError('m'), 'SHAPE', 'ShapeError'],
      [new DTypeError('m'), 'DTYPE', 'DTypeError'],
      [new ValueRangeError('m'), 'RANGE', 'ValueRangeError'],
      [new NaNError('m'), 'NAN', 'NaNError'],
      [new ConfigError('m'), 'CONFIG', 'ConfigError'],
      [new StateError('m'), 'STATE', 'StateError'],
      [new IOError('m'), 'IO', 'IOError'],
    ] as const;
    for (const [err, code, name] of made) {
      expect(err).toBeInstanceOf(TrainkitError);
      expect(err).toBeInstanceOf(Error);
      expect(err.code).toBe(code);
      expect(err.name).toBe(name);
      expect(isTrainkitError(err, code)).toBe(true);
    }
    expect(isTrainkitError(new Error('x'))).toBe(false);
    expect(isTrainkitError(new ShapeError('m'), 'IO')).toBe(false);
  });

  it('names the argument, the expectation and what came in the message', () => {
    const e = new ValueRangeError('out of range', {
      argument: 'learningRate',
      expected: 'a number > 0',
      received: -1,
    });
    expect(e.message).toBe('learningRate: out of range; expected a number > 0; received -1');
    expect(e.argument).toBe('learningRate');
    expect(e.received).toBe('-1');
  });

  it('keeps the cause', () => {
    const cause = new Error('disk');
    expect(new IOError('read failed', { cause }).cause).toBe(cause);
  });
});

describe('error identity across copies of @trainkit/core', () => {
  it('recognises an error thrown by a second copy of the module (brand, not class identity)', async () => {
    vi.resetModules();
    // A query string makes the module loader evaluate the file a second time.
    const copy: typeof import('./errors') = await import(
      /* @vite-ignore */ `./errors?copy=${Date.now()}`
    );
    expect(copy.ShapeError).not.toBe(ShapeError); // really two classes
    const foreign = new copy.ShapeError('bad', { argument: 'x' });
    expect(isTrainkitError(foreign)).toBe(true);
    expect(isTrainkitError(foreign, 'SHAPE')).toBe(true);
    expect(isTrainkitError(foreign, 'RANGE')).toBe(false);
    expect(foreign instanceof TrainkitError).toBe(true);
    expect(foreign instanceof ShapeError).toBe(true);
    expect(foreign instanceof ValueRangeError).toBe(false);
    const ours = new ValueRangeError('out of range');
    expect(ours instanceof copy.TrainkitError).toBe(true);
    expect(ours instanceof copy.ValueRangeError).toBe(true);
    expect(ours instanceof copy.ShapeError).toBe(false);
  });

  it('does not take a plain Error, or an object with a code, for a TrainkitError', () => {
    const plain = Object.assign(new Error('x'), { code: 'SHAPE' });
    expect(isTrainkitError(plain)).toBe(false);
    expect(plain instanceof TrainkitError).toBe(false);
    expect(isTrainkitError(null)).toBe(false);
    expect(isTrainkitError('SHAPE')).toBe(false);
  });
});

describe('describeValue', () => {
  it('renders values briefly', () => {
    expect(describeValue('abc')).toBe('"abc"');
    expect(describeValue(3)).toBe('3');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(null)).toBe('null');
    expect(describeValue([1, 2])).toBe('[1, 2]');
    expect(describeValue(new Array(100).fill(0))).toBe('array of length 100');
    expect(describeValue(new Float32Array(4))).toBe('Float32Array(4)');
    expect(describeValue({ shape: [2, 3], dtype: 'float32' })).toBe(
      'Tensor(shape [2, 3], float32)',
    );
    expect(describeValue(function f() {})).toBe('function f');
    expect(describeValue('x'.repeat(200)).length).toBeLessThan(90);
    expect(describeValue({ a: 1 })).toBe('{"a":1}');
  });
});
