import { cssRgb, viridis } from '@trainkit/plot';
import { toInternal } from './distributions';
import { paramImportances } from './importance';
import type { FrozenTrial } from './trial';

const W = 560;
const H = 320;
const M = { l: 56, r: 16, t: 28, b: 36 };
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (v: number) =>
  Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5
    ? Number(v.toPrecision(4)).toString()
    : v.toExponential(2);

function scale(lo: number, hi: number, a: number, b: number): (v: number) => number {
  const span = hi - lo || 1;
  return (v) => a + ((v - lo) / span) * (b - a);
}

// Objective values coloured by viridis: dark (best) to yellow (worst).
const colour = (t: number) => cssRgb(viridis(t));

function frame(
  title: string,
  body: string,
  xLabel: string,
  yLabel: string,
  yTicks: [number, string][],
): string {
  const ticks = yTicks
    .map(
      ([y, label]) =>
        `<line x1="${M.l - 4}" x2="${W - M.r}" y1="${y}" y2="${y}" stroke="#eee"/><text x="${M.l - 6}" y="${y + 4}" text-anchor="end" font-size="11">${esc(label)}</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="system-ui,sans-serif">
<text x="${W / 2}" y="18" text-anchor="middle" font-size="14" font-weight="600">${esc(title)}</text>${ticks}
<rect x="${M.l}" y="${M.t}" width="${W - M.l - M.r}" height="${H - M.t - M.b}" fill="none" stroke="#999"/>
${body}
<text x="${W / 2}" y="${H - 6}" text-anchor="middle" font-size="12">${esc(xLabel)}</text>
<text x="14" y="${H / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${H / 2})">${esc(yLabel)}</text></svg>`;
}

const complete = (trials: FrozenTrial[]) =>
  trials.filter((t) => t.state === 'complete' && Number.isFinite(t.values?.[0]));

function yAxis(values: number[]): { y: (v: number) => number; ticks: [number, string][] } {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const y = scale(lo, hi, H - M.b, M.t);
  const ticks: [number, string][] = [0, 0.25, 0.5, 0.75, 1].map((f) => [
    y(lo + f * (hi - lo)),
    fmt(lo + f * (hi - lo)),
  ]);
  return { y, ticks };
}

/** Objective value of each complete trial by trial number, with the best-so-far line (SVG). */
export function optimizationHistorySvg(
  trials: FrozenTrial[],
  direction: 'minimize' | 'maximize' = 'minimize',
): string {
  const done = complete(trials).sort((a, b) => a.number - b.number);
  if (done.length === 0) return frame('Optimization history', '', 'trial', 'objective', []);
  const vals = done.map((t) => t.values![0]!);
  const { y, ticks } = yAxis(vals);
  const x = scale(0, Math.max(...done.map((t) => t.number)), M.l + 6, W - M.r - 6);
  let best = vals[0]!;
  const line = done.map((t, i) => {
    const v = vals[i]!;
    best = direction === 'minimize' ? Math.min(best, v) : Math.max(best, v);
    return `${x(t.number).toFixed(1)},${y(best).toFixed(1)}`;
  });
  const dots = done
    .map(
      (t, i) =>
        `<circle class="trial" cx="${x(t.number).toFixed(1)}" cy="${y(vals[i]!).toFixed(1)}" r="3" fill="#1f77b4"><title>trial ${t.number}: ${fmt(vals[i]!)}</title></circle>`,
    )
    .join('');
  return frame(
    'Optimization history',
    `${dots}<polyline fill="none" stroke="#d62728" stroke-width="2" points="${line.join(' ')}"/>`,
    'trial',
    'objective (dots) and best so far (line)',
    ticks,
  );
}

/** One polyline per complete trial across the parameters' (internal) axes, coloured by objective (SVG). */
export function parallelCoordinatesSvg(
  trials: FrozenTrial[],
  direction: 'minimize' | 'maximize' = 'minimize',
): string {
  const done = complete(trials);
  const names = [...new Set(done.flatMap((t) => Object.keys(t.params)))];
  if (done.length === 0 || names.length === 0)
    return frame('Parallel coordinates', '', 'parameter', '', []);
  const vals = done.map((t) => t.values![0]!);
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  const axes = [...names, 'objective'];
  const ax = scale(0, axes.length - 1, M.l + 10, W - M.r - 10);
  const ranges = names.map((n) => {
    const xs = done
      .filter((t) => n in t.params)
      .map((t) => toInternal(t.distributions[n]!, t.params[n]!));
    return [Math.min(...xs), Math.max(...xs)] as const;
  });
  const pos = (t: FrozenTrial, j: number): number | undefined => {
    if (j === names.length) return scale(lo, hi, H - M.b, M.t)(t.values![0]!);
    const n = names[j]!;
    if (!(n in t.params)) return undefined;
    const [a, b] = ranges[j]!;
    return scale(a, b, H - M.b, M.t)(toInternal(t.distributions[n]!, t.params[n]!));
  };
  const lines = done
    .map((t) => {
      const pts = axes
        .map((_, j) => [ax(j), pos(t, j)] as const)
        .filter(([, yy]) => yy !== undefined);
      const quality = (t.values![0]! - lo) / (hi - lo || 1);
      return `<polyline class="trial" fill="none" stroke-opacity="0.7" stroke="${colour(direction === 'minimize' ? quality : 1 - quality)}" points="${pts.map(([a, b]) => `${a.toFixed(1)},${(b as number).toFixed(1)}`).join(' ')}"><title>trial ${t.number}</title></polyline>`;
    })
    .join('');
  const labels = axes
    .map(
      (n, j) =>
        `<line x1="${ax(j)}" x2="${ax(j)}" y1="${M.t}" y2="${H - M.b}" stroke="#555"/><text x="${ax(j)}" y="${H - M.b + 14}" text-anchor="middle" font-size="11">${esc(n)}</text>`,
    )
    .join('');
  return frame('Parallel coordinates (dark = better)', labels + lines, '', '', []);
}

/** Objective against one parameter, one panel per parameter (SVGs). */
export function sliceSvgs(trials: FrozenTrial[]): string[] {
  const done = complete(trials);
  const names = [...new Set(done.flatMap((t) => Object.keys(t.params)))];
  return names.map((n) => {
    const have = done.filter((t) => n in t.params);
    const d = have[0]!.distributions[n]!;
    const xs = have.map((t) => toInternal(d, t.params[n]!));
    const { y, ticks } = yAxis(have.map((t) => t.values![0]!));
    const x = scale(Math.min(...xs), Math.max(...xs), M.l + 6, W - M.r - 6);
    const dots = have
      .map(
        (t, i) =>
          `<circle class="trial" cx="${x(xs[i]!).toFixed(1)}" cy="${y(t.values![0]!).toFixed(1)}" r="3" fill="#2ca02c"><title>${esc(String(t.params[n]))}: ${fmt(t.values![0]!)}</title></circle>`,
      )
      .join('');
    const axis = d.type === 'categorical' ? `${n} (choice index)` : d.log ? `${n} (log scale)` : n;
    return frame(`Slice: ${n}`, dots, axis, 'objective', ticks);
  });
}

/**
 * A self-contained HTML page for a study: history, parallel coordinates, slices, parameter
 * importances and the trials table. Plain SVG: no script, no network.
 */
export function studyReportHtml(
  trials: FrozenTrial[],
  options: { title?: string; direction?: 'minimize' | 'maximize' } = {},
): string {
  const dir = options.direction ?? 'minimize';
  let importance = '';
  try {
    const imp = paramImportances(trials);
    importance = `<h2>Parameter importance</h2><table>${Object.entries(imp)
      .map(([k, v]) => `<tr><td>${esc(k)}</td><td>${(v * 100).toFixed(1)}%</td></tr>`)
      .join('')}</table>`;
  } catch {
    importance = '<p>Too few complete trials for importances.</p>';
  }
  const names = [...new Set(trials.flatMap((t) => Object.keys(t.params)))];
  const rows = trials
    .map(
      (t) =>
        `<tr><td>${t.number}</td><td>${t.state}</td><td>${t.values?.map(fmt).join(', ') ?? ''}</td>${names.map((n) => `<td>${n in t.params ? esc(typeof t.params[n] === 'number' ? fmt(t.params[n] as number) : String(t.params[n])) : ''}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(options.title ?? 'study')}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px}svg{margin:8px;border:1px solid #ddd;border-radius:6px}table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:right}</style></head><body>
<h1>${esc(options.title ?? 'study')}</h1>
<div>${optimizationHistorySvg(trials, dir)}${parallelCoordinatesSvg(trials, dir)}</div>
<div>${sliceSvgs(trials).join('')}</div>
${importance}
<h2>Trials</h2><table><tr><th>#</th><th>state</th><th>value</th>${names.map((n) => `<th>${esc(n)}</th>`).join('')}</tr>${rows}</table>
</body></html>`;
}
