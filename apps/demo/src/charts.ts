// Small SVG charts (no chart library): line charts with optional log y, and histograms. Each
// chart writes what it drew into data attributes (series, points) so tests check data, not pixels.

export interface LineSeries {
  name: string;
  points: [number, number][];
  color?: string;
  dashed?: boolean;
}

const COLORS = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#7f7f7f',
  '#bcbd22',
];
const NS = 'http://www.w3.org/2000/svg';
const fmt = (v: number) =>
  Math.abs(v) >= 1e-2 && Math.abs(v) < 1e4 ? v.toPrecision(3) : v.toExponential(1);

// Sizes are measured once (and again after a resize): measuring between DOM writes would force
// a layout per chart.
const sizes = new WeakMap<SVGSVGElement, { w: number; h: number }>();
let generation = 0;
const measuredAt = new WeakMap<SVGSVGElement, number>();
if (typeof window !== 'undefined') window.addEventListener('resize', () => generation++);

function size(svg: SVGSVGElement) {
  const cached = sizes.get(svg);
  if (cached && measuredAt.get(svg) === generation) return cached;
  const r = svg.getBoundingClientRect();
  const s = {
    w: Math.max(200, Math.round(r.width) || 320),
    h: Math.max(60, Math.round(r.height) || 180),
  };
  sizes.set(svg, s);
  measuredAt.set(svg, generation);
  return s;
}

/** Draws line series into `svg`; non-finite values (and non-positive ones on a log axis) are skipped. */
export function lineChart(
  svg: SVGSVGElement,
  series: LineSeries[],
  options: { logY?: boolean } = {},
): void {
  const { w, h } = size(svg);
  const pad = { l: 44, r: 8, t: 6, b: 18 };
  const ty = (v: number) => (options.logY ? Math.log10(v) : v);
  const clean = series.map((s) => ({
    ...s,
    points: s.points.filter(
      ([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!options.logY || y > 0),
    ),
  }));
  const all = clean.flatMap((s) => s.points);
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.dataset.series = String(clean.length);
  svg.dataset.points = String(all.length);
  if (all.length === 0) {
    svg.innerHTML = `<text x="${w / 2}" y="${h / 2}" text-anchor="middle" fill="#999" font-size="12">no data yet</text>`;
    return;
  }
  let [x0, x1] = [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))];
  let [y0, y1] = [Math.min(...all.map((p) => ty(p[1]))), Math.max(...all.map((p) => ty(p[1])))];
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1];
  if (y1 === y0) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const sx = (x: number) => pad.l + ((x - x0) / (x1 - x0)) * (w - pad.l - pad.r);
  const sy = (y: number) => h - pad.b - ((ty(y) - y0) / (y1 - y0)) * (h - pad.t - pad.b);
  const parts: string[] = [
    `<line x1="${pad.l}" y1="${h - pad.b}" x2="${w - pad.r}" y2="${h - pad.b}" stroke="#999"/>`,
    `<line x1="${pad.l}" y1="${pad.t}" x2="${pad.l}" y2="${h - pad.b}" stroke="#999"/>`,
  ];
  for (const f of [0, 0.5, 1]) {
    const v = y0 + f * (y1 - y0);
    const label = options.logY ? `1e${v.toFixed(1)}` : fmt(v);
    const y = h - pad.b - f * (h - pad.t - pad.b);
    parts.push(
      `<text x="${pad.l - 3}" y="${y + 4}" text-anchor="end" font-size="10" fill="#555">${label}</text>`,
    );
  }
  parts.push(`<text x="${pad.l}" y="${h - 4}" font-size="10" fill="#555">${fmt(x0)}</text>`);
  parts.push(
    `<text x="${w - pad.r}" y="${h - 4}" text-anchor="end" font-size="10" fill="#555">${fmt(x1)}</text>`,
  );
  clean.forEach((s, i) => {
    const color = s.color ?? COLORS[i % COLORS.length]!;
    const d = s.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
    const dash = s.dashed ? ' stroke-dasharray="4 3"' : '';
    if (s.points.length === 1) {
      const [x, y] = s.points[0]!;
      parts.push(
        `<circle cx="${sx(x)}" cy="${sy(y)}" r="3" fill="${color}" data-name="${esc(s.name)}" data-points="1"/>`,
      );
    } else
      parts.push(
        `<polyline fill="none" stroke="${color}" stroke-width="1.5"${dash} points="${d}" data-name="${esc(s.name)}" data-points="${s.points.length}"/>`,
      );
    parts.push(
      `<text x="${w - pad.r - 4}" y="${pad.t + 10 + 11 * i}" text-anchor="end" font-size="10" fill="${color}">${esc(s.name)}</text>`,
    );
  });
  svg.innerHTML = parts.join('');
}

/** A histogram as bars: `counts[i]` over `[edges[i], edges[i+1])`. */
export function histogramChart(title: string, edges: number[], counts: number[]): SVGSVGElement {
  const svg = document.createElementNS(NS, 'svg');
  const w = 150;
  const h = 70;
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.dataset.name = title;
  svg.dataset.bins = String(counts.length);
  svg.dataset.total = String(counts.reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...counts);
  const bw = (w - 4) / Math.max(1, counts.length);
  const bars = counts
    .map((c, i) => {
      const bh = ((h - 26) * c) / max;
      return `<rect x="${2 + i * bw}" y="${h - 12 - bh}" width="${Math.max(0.5, bw - 0.5)}" height="${bh}" fill="#4a78a8"/>`;
    })
    .join('');
  const lo = edges[0] ?? 0;
  const hi = edges[edges.length - 1] ?? 0;
  svg.innerHTML =
    `<text x="2" y="10" font-size="9" fill="#333">${esc(title)}</text>${bars}` +
    `<text x="2" y="${h - 2}" font-size="8" fill="#666">${fmt(lo)}</text>` +
    `<text x="${w - 2}" y="${h - 2}" font-size="8" fill="#666" text-anchor="end">${fmt(hi)}</text>`;
  return svg;
}

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
