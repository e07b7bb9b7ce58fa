import { ConfigError } from '@trainkit/core';
import { toInternal } from './distributions';
import type { FrozenTrial } from './trial';

/**
 * How much of the objective's variance each parameter explains on its own: its first-order
 * (main-effect) share of the variance, estimated by grouping complete trials by the parameter
 * (categories, or `bins` quantile bins of numbers) and comparing the variance of the group means
 * to the total variance (omega^2, corrected for chance) — the quantity fANOVA (Hutter et al. 2014) computes on a random-forest
 * surrogate, here estimated directly from the trials. Shares are normalised to sum to 1.
 */
export function paramImportances(
  trials: FrozenTrial[],
  options: { bins?: number } = {},
): Record<string, number> {
  const done = trials.filter((t) => t.state === 'complete' && Number.isFinite(t.values?.[0]));
  if (done.length < 4) {
    throw new ConfigError('need at least 4 complete trials to estimate importances', {
      argument: 'trials',
      expected: '>= 4 complete trials',
      received: done.length,
    });
  }
  const bins = options.bins ?? Math.max(2, Math.min(8, Math.floor(Math.sqrt(done.length))));
  const names = [...new Set(done.flatMap((t) => Object.keys(t.params)))];
  const raw: Record<string, number> = {};
  for (const name of names) {
    const have = done.filter((t) => name in t.params);
    if (have.length < 4) continue;
    const ys = have.map((t) => t.values![0]!);
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    const total = ys.reduce((a, y) => a + (y - mean) ** 2, 0) / ys.length;
    if (total === 0) {
      raw[name] = 0;
      continue;
    }
    const d = have[0]!.distributions[name]!;
    const xs = have.map((t) => toInternal(d, t.params[name]!));
    let groups: number[];
    if (d.type === 'categorical') groups = xs;
    else {
      const order = xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]!);
      groups = new Array(xs.length);
      order.forEach((idx, rank) => {
        groups[idx] = Math.floor((rank * bins) / xs.length);
      });
    }
    const sums = new Map<number, [number, number]>();
    groups.forEach((g, i) => {
      const s = sums.get(g) ?? [0, 0];
      s[0] += ys[i]!;
      s[1] += 1;
      sums.set(g, s);
    });
    // omega^2 (Hays 1963): the between-group share corrected for what k groups capture by chance.
    let ssb = 0;
    for (const [sum, n] of sums.values()) ssb += n * (sum / n - mean) ** 2;
    const sst = total * ys.length;
    const k = sums.size;
    const msw = ys.length > k ? (sst - ssb) / (ys.length - k) : 0;
    raw[name] = Math.max(0, (ssb - (k - 1) * msw) / (sst + msw));
  }
  const s = Object.values(raw).reduce((a, b) => a + b, 0);
  return Object.fromEntries(
    Object.entries(raw)
      .map(([k, v]) => [k, s > 0 ? v / s : 0])
      .sort((a, b) => (b[1] as number) - (a[1] as number)),
  );
}
