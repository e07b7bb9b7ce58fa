import { describe, expect, it } from 'vitest';
import { isTrainkitError } from './errors';
import { matchesName, namePattern } from './glob';

describe('name patterns', () => {
  it('* stays within a segment, ** crosses segments, ? is one character', () => {
    expect(namePattern('conv*').test('conv2d_1')).toBe(true);
    expect(namePattern('conv*').test('conv2d_1/kernel')).toBe(false);
    expect(namePattern('conv*/**').test('conv2d_1/kernel')).toBe(true);
    expect(namePattern('head/*').test('head/dense/kernel')).toBe(false);
    expect(namePattern('head/**').test('head/dense/kernel')).toBe(true);
    expect(namePattern('dense_?/bias').test('dense_1/bias')).toBe(true);
    expect(namePattern('dense_?/bias').test('dense_12/bias')).toBe(false);
    expect(namePattern('a.b').test('axb')).toBe(false);
  });

  it('accepts /regular expressions/', () => {
    expect(namePattern('/conv\\d+_1/').test('xconv12_1/kernel')).toBe(true);
  });

  it('matchesName also matches a layer-name prefix', () => {
    expect(matchesName('conv*', 'conv2d_1/kernel')).toBe(true);
    expect(matchesName('conv2d_1', 'conv2d_1/bias')).toBe(true);
    expect(matchesName('dense*', 'conv2d_1/kernel')).toBe(false);
    expect(matchesName(/kernel$/, 'conv2d_1/kernel')).toBe(true);
    expect(matchesName('*/kernel', 'conv2d_1/kernel')).toBe(true);
    expect(matchesName('*/kernel', 'conv2d_1/bias')).toBe(false);
  });

  it('rejects empty patterns and invalid regular expressions with CONFIG errors', () => {
    for (const bad of ['', '/(/']) {
      try {
        namePattern(bad);
        expect.unreachable();
      } catch (e) {
        expect(isTrainkitError(e, 'CONFIG')).toBe(true);
      }
    }
  });
});
