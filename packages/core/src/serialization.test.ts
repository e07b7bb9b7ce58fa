import { errorCode as codeOf } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';
import {
  fromJSON,
  isRegistered,
  registeredKinds,
  registerKind,
  type Serialized,
  toJSON,
} from './serialization';

class Scale {
  constructor(readonly factor: number) {}
  toJSON(): Serialized {
    return { kind: 'test.scale', version: 2, factor: this.factor };
  }
}

registerKind('test.scale', (j) => new Scale(j.factor as number), {
  version: 2,
  // v1 stored the factor as "k"
  migrate: (j) => ({ kind: j.kind, version: 2, factor: j.k as number }),
});

describe('serialization registry', () => {
  it('round-trips a component through JSON text', () => {
    const json = JSON.stringify(toJSON(new Scale(3)));
    const back = fromJSON<Scale>(JSON.parse(json));
    expect(back).toBeInstanceOf(Scale);
    expect(back.factor).toBe(3);
    expect(fromJSON<Scale>(json).factor).toBe(3);
    expect(isRegistered('test.scale')).toBe(true);
    expect(registeredKinds()).toContain('test.scale');
  });

  it('migrates older versions', () => {
    expect(fromJSON<Scale>({ kind: 'test.scale', version: 1, k: 5 }).factor).toBe(5);
  });

  it('refuses unknown kinds, newer versions and malformed input with CONFIG errors', () => {
    expect(() => fromJSON({ kind: 'nope', version: 1 })).toThrow(/unknown kind "nope"/);
    expect(codeOf(() => fromJSON({ kind: 'nope', version: 1 }))).toBe('CONFIG');
    expect(codeOf(() => fromJSON({ kind: 'test.scale', version: 3, factor: 1 }))).toBe('CONFIG');
    expect(codeOf(() => fromJSON({ kind: 'test.scale', version: 0 }))).toBe('CONFIG');
    expect(codeOf(() => fromJSON({ kind: 'test.scale' }))).toBe('CONFIG');
    expect(codeOf(() => fromJSON(42))).toBe('CONFIG');
    expect(codeOf(() => toJSON({ toJSON: () => ({}) as Serialized }))).toBe('CONFIG');
    expect(codeOf(() => registerKind('', () => 0))).toBe('CONFIG');
  });
});
