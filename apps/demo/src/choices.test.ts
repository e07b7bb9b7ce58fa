import { readFileSync } from 'node:fs';
import { COMMANDS } from '@trainkit/cli';
import type { Serialized } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { ARCHITECTURE_BUILDERS, INITS, OPTIMIZERS, SCHEDULES } from './protocol';
import { learningRate, optimizer } from './worker-train';

const html = readFileSync(new URL('../index.html', import.meta.url), 'utf8');
/** The option values of `<select id="id">` in the page. */
const options = (id: string) => {
  const select = html.match(new RegExp(`<select id="${id}">([\\s\\S]*?)</select>`));
  return [...(select?.[1] ?? '').matchAll(/value="([^"]+)"/g)].map((m) => m[1]);
};
const trainFlags = COMMANDS.find((c) => c.spec.name === 'train')!.spec.flags;
const cliChoices = (flag: string) =>
  trainFlags.find((f) => f.name === flag)?.type as readonly string[];

describe('the page and the CLI offer the same components', () => {
  it('lists the same optimizers, schedules and initializers as the CLI flags', () => {
    expect(options('optimizer')).toEqual([...OPTIMIZERS]);
    expect(options('schedule')).toEqual([...SCHEDULES]);
    expect(options('init')).toEqual([...INITS]);
    expect([...OPTIMIZERS].sort()).toEqual([...cliChoices('optimizer')].sort());
    expect([...SCHEDULES].sort()).toEqual([...cliChoices('schedule')].sort());
    expect([...INITS].sort()).toEqual([...cliChoices('init')].sort());
  });

  it("builds its registry architectures by the CLI's --arch names", () => {
    for (const builder of Object.values(ARCHITECTURE_BUILDERS))
      expect(cliChoices('arch')).toContain(builder);
  });

  it('builds every optimizer with every schedule through the registry', () => {
    for (const name of OPTIMIZERS)
      for (const schedule of SCHEDULES) {
        const lr = learningRate({ schedule, learningRate: 0.01 }, 100, 10);
        const spec =
          typeof lr === 'number' ? lr : (lr as unknown as { toJSON(): Serialized }).toJSON();
        const opt = optimizer(name, spec);
        expect(opt.toJSON().kind).toBe(`optimizers.${name}`);
      }
  });
});
