import { describe, expect, it } from 'vitest';
import { computeFans } from './fans';

describe('computeFans', () => {
  it('reads dense kernels as [in, out]', () => {
    expect(computeFans([784, 256])).toEqual({ fanIn: 784, fanOut: 256 });
  });
  it('multiplies conv fans by the receptive field', () => {
    // 3x3 kernel, 16 -> 32 channels: fanIn = 9 * 16, fanOut = 9 * 32.
    expect(computeFans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 });
    expect(computeFans([5, 8, 4])).toEqual({ fanIn: 40, fanOut: 20 });
  });
  it('handles vectors and scalars', () => {
    expect(computeFans([7])).toEqual({ fanIn: 7, fanOut: 7 });
    expect(computeFans([])).toEqual({ fanIn: 1, fanOut: 1 });
  });
  it('rejects bad shapes with typed errors', () => {
    expect(() => computeFans([3, 0])).toThrow(/shape\[1\]/);
    expect(() => computeFans([3, 1.5])).toThrow(expect.objectContaining({ code: 'RANGE' }));
    expect(() => computeFans('3x3' as unknown as number[])).toThrow(
      expect.objectContaining({ code: 'SHAPE', argument: 'shape' }),
    );
  });
});
