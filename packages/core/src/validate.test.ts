import { errorCode as codeOf } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import {
  assertDType,
  assertFiniteValues,
  assertNumber,
  assertOneOf,
  assertPositiveInt,
  assertRank,
  assertShape,
} from './validate';

describe('validators', () => {
  it('assertNumber accepts values inside the bounds and returns them', () => {
    expect(assertNumber('lr', 0.1, { min: 0 })).toBe(0.1);
    expect(assertNumber('beta', 0, { min: 0, max: 1, exclusiveMax: true })).toBe(0);
    expect(assertNumber('n', 3, { integer: true })).toBe(3);
  });

  it('assertNumber rejects with RANGE, NAN or CONFIG and names the argument', () => {
    expect(codeOf(() => assertNumber('lr', -1, { min: 0 }))).toBe('RANGE');
    expect(codeOf(() => assertNumber('beta', 1, { min: 0, max: 1, exclusiveMax: true }))).toBe(
      'RANGE',
    );
    expect(codeOf(() => assertNumber('eps', 0, { min: 0, exclusiveMin: true }))).toBe('RANGE');
    expect(codeOf(() => assertNumber('n', 2.5, { integer: true }))).toBe('RANGE');
    expect(codeOf(() => assertNumber('lr', Number.NaN))).toBe('NAN');
    expect(codeOf(() => assertNumber('lr', Number.POSITIVE_INFINITY))).toBe('NAN');
    expect(codeOf(() => assertNumber('lr', '0.1'))).toBe('CONFIG');
    expect(() => assertNumber('beta1', 1.5, { min: 0, max: 1, exclusiveMax: true })).toThrow(
      'beta1: out of range; expected a number in [0, 1); received 1.5',
    );
  });

  it('assertPositiveInt', () => {
    expect(assertPositiveInt('batchSize', 32)).toBe(32);
    expect(codeOf(() => assertPositiveInt('batchSize', 0))).toBe('RANGE');
  });

  it('assertOneOf', () => {
    expect(assertOneOf('mode', 'min', ['min', 'max'])).toBe('min');
    expect(() => assertOneOf('mode', 'avg', ['min', 'max'])).toThrow(
      /mode: unknown choice; expected one of "min", "max"/,
    );
  });

  it('assertShape treats null and -1 as wildcards', () => {
    expect(() => assertShape('x', [5, 28, 28, 1], [null, 28, 28, 1])).not.toThrow();
    expect(() => assertShape('x', [5, 28, 28, 1], [-1, 28, 28, 1])).not.toThrow();
    expect(codeOf(() => assertShape('x', [5, 28, 28, 3], [null, 28, 28, 1]))).toBe('SHAPE');
    expect(codeOf(() => assertShape('x', [5, 28], [null, 28, 28]))).toBe('SHAPE');
    expect(() => assertShape('x', [5, 3], [null, 2])).toThrow(
      'x: wrong shape; expected shape [*, 2]; received [5, 3]',
    );
  });

  it('assertRank and assertDType', () => {
    expect(() => assertRank('x', [2, 3], [2, 3])).not.toThrow();
    expect(codeOf(() => assertRank('x', [2], 2))).toBe('SHAPE');
    expect(() => assertDType('y', 'int32', ['int32'])).not.toThrow();
    expect(codeOf(() => assertDType('y', 'float32', ['int32']))).toBe('DTYPE');
  });

  it('assertFiniteValues names the first bad index', () => {
    expect(() => assertFiniteValues('x', [1, 2])).not.toThrow();
    expect(() => assertFiniteValues('x', [1, Number.NaN])).toThrow(/NaN at flat index 1/);
    expect(
      codeOf(() => assertFiniteValues('x', new Float32Array([Number.POSITIVE_INFINITY]))),
    ).toBe('NAN');
  });
});
