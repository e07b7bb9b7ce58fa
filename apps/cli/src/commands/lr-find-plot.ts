// The range test's curve: loss (raw, light; smoothed, dark) against log10 of the learning rate,
// the suggested rate as a vertical line. PNG through @trainkit/monitors' line plot; HTML as SVG.
import { encodePng, linePlot, type Series } from '@trainkit/monitors';
import { nodeDeflate } from '@trainkit/monitors/node';
import type { LearningRateFinderResult } from '@trainkit/train';

/** Losses above twice the first smoothed one are left out (the divergence would flatten the rest). */
function cap(r: LearningRateFinderResult): number {
  return 2 * (r.smoothedLosses[0] as number);
}

function series(r: LearningRateFinderResult): Series[] {
  const top = cap(r);
  const x = r.learningRates.map(Math.log10);
  const clip = (v: number) => (v <= top ? v : Number.NaN);
  const shown = r.smoothedLosses.filter((v) => v <= top);
  const lo = Math.min(...shown);
  const hi = Math.max(...shown);
  const s = Math.log10(r.suggestedLearningRate);
  return [
    { name: 'loss', points: r.losses.map((v, i) => [x[i]!, clip(v)]), color: [160, 190, 230] },
    {
      name: 'smoothed',
      points: r.smoothedLosses.map((v, i) => [x[i]!, clip(v)]),
      color: [20, 60, 140],
    },
    {
      name: 'suggested',
      points: [
        [s, lo],
        [s, hi],
      ],
      color: [214, 39, 40],
    },
  ];
}

/** The curve as PNG bytes (x: log10 of the rate). */
export function lrFindPng(r: LearningRateFinderResult): Uint8Array {
  return encodePng(linePlot(series(r)), { deflate: nodeDeflate });
}

/** A self-contained page (inline SVG, no script, no network). */
export function lrFindHtml(r: LearningRateFinderResult, title: string): string {
  const W = 720;
  const H = 400;
  const m = { l: 60, r: 20, t: 20, b: 40 };
  const all = series(r);
  const pts = all.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y));
  const x0 = Math.min(...pts.map((p) => p[0]));
  const x1 = Math.max(...pts.map((p) => p[0]));
  const y0 = Math.min(...pts.map((p) => p[1]));
  const y1 = Math.max(...pts.map((p) => p[1]));
  const px = (x: number) => m.l + ((x - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - ((y - y0) / (y1 - y0 || 1)) * (H - m.t - m.b);
  const path = (s: Series) => {
    let d = '';
    let pen = false;
    for (const [x, y] of s.points) {
      if (!Number.isFinite(y)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${px(x).toFixed(1)},${py(y).toFixed(1)}`;
      pen = true;
    }
    const [r0, g0, b0] = s.color ?? [0, 0, 0];
    return `<path d="${d}" fill="none" stroke="rgb(${r0},${g0},${b0})" stroke-width="${s.name === 'loss' ? 1 : 2}"/>`;
  };
  const ticks: string[] = [];
  for (let e = Math.ceil(x0); e <= Math.floor(x1); e++) {
    ticks.push(
      `<line x1="${px(e)}" x2="${px(e)}" y1="${m.t}" y2="${H - m.b}" stroke="#eee"/><text x="${px(e)}" y="${H - m.b + 16}" text-anchor="middle">1e${e}</text>`,
    );
  }
  const fmt = (v: number) => v.toPrecision(3);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px}svg{border:1px solid #ddd;border-radius:6px;font-size:11px}</style></head><body>
<h1>${title}</h1>
<p>Suggested learning rate <b>${fmt(r.suggestedLearningRate)}</b> (a tenth of the rate at the smoothed loss's minimum, ${fmt(r.minimumLossLearningRate)}); steepest descent of the smoothed loss at ${fmt(r.steepestLearningRate)}; ${r.learningRates.length} steps, ${r.stopReason}.</p>
<svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg">
${ticks.join('')}
<text x="${m.l - 6}" y="${py(y1) + 4}" text-anchor="end">${fmt(y1)}</text><text x="${m.l - 6}" y="${py(y0) + 4}" text-anchor="end">${fmt(y0)}</text>
${all.map(path).join('\n')}
<text x="${W / 2}" y="${H - 6}" text-anchor="middle">learning rate (log scale); light: loss, dark: smoothed, red: suggested</text>
</svg></body></html>
`;
}
