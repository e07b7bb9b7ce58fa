import { fromJSON, toJSON } from '@trainkit/core';
import { expectNoLeaks } from '@trainkit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ArchitectureSpec, architecture, registerArchitectureKinds } from './architecture';

beforeAll(() => registerArchitectureKinds());

describe('architecture spec', () => {
  it('round-trips through the core registry and rebuilds the same architecture', async () => {
    const spec = architecture('cifarResnet', { depth: 20, shortcut: 'B', numClasses: 4 });
    const json = JSON.parse(JSON.stringify(toJSON(spec)));
    expect(json).toEqual({
      kind: 'architectures.spec',
      version: 1,
      name: 'cifarResnet',
      options: { depth: 20, shortcut: 'B', numClasses: 4 },
    });
    const back = fromJSON<ArchitectureSpec>(json);
    expect(back.name).toBe('cifarResnet');
    expect(back.toJSON()).toEqual(json);
    await expectNoLeaks(() => {
      const model = back.build();
      // 272,474 at 10 classes (fixture); 6 fewer classes x 65 fewer dense weights.
      expect(model.countParams() - 1568).toBe(272474 - 6 * 65);
      model.dispose();
    });
  });

  it('round-trips every builder name', () => {
    for (const name of [
      'lenet5',
      'alexnet',
      'vgg',
      'inceptionV1',
      'resnet',
      'cifarResnet',
      'smallResnet',
    ] as const) {
      const spec = architecture(name, { numClasses: 3 });
      expect(fromJSON<ArchitectureSpec>(toJSON(spec)).toJSON()).toEqual(spec.toJSON());
    }
  });

  it('copies the options (later mutation does not change the spec)', () => {
    const options = { depth: 18 as const };
    const spec = architecture('resnet', options);
    (options as { depth: number }).depth = 34;
    expect(spec.options.depth).toBe(18);
  });

  it('rejects unknown names and non-JSON options; builders validate the rest', () => {
    expect(() => architecture('mobilenet' as 'vgg')).toThrow(
      expect.objectContaining({ code: 'CONFIG', argument: 'name' }),
    );
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => architecture('vgg', circular)).toThrow(
      expect.objectContaining({ code: 'CONFIG', argument: 'options' }),
    );
    expect(() => architecture('vgg', [] as unknown as object)).toThrow(
      expect.objectContaining({ code: 'CONFIG', argument: 'options' }),
    );
    expect(() => architecture('vgg', { depth: 12 as 11 }).build()).toThrow(
      expect.objectContaining({ code: 'CONFIG', argument: 'depth' }),
    );
  });
});
