import { diagnose } from './diagnose';
import type { ClassificationRecord, RunLog } from './records';
import { ema } from './stats';

export interface HtmlReportOptions {
  title?: string;
  /** uPlot's IIFE build and CSS, inlined so the page needs no network (the Node helper loads them). */
  uplot: { js: string; css: string };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const clean = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : v);

const pct = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '-');

/** The last classification report of each split: per-class table and confusion matrix. */
function classificationSection(records: ClassificationRecord[]): string {
  const last = new Map<string, ClassificationRecord>();
  for (const r of records) last.set(r.split, r);
  return [...last.values()]
    .map((r) => {
      const where = r.epoch === undefined ? '' : `, epoch ${r.epoch + 1}`;
      const rows = r.perClass
        .map(
          (c) =>
            `<tr><th>${esc(c.label)}</th><td>${pct(c.precision)}</td><td>${pct(c.recall)}</td><td>${pct(c.f1)}</td><td>${c.support}</td></tr>`,
        )
        .join('');
      const avg = (['macro', 'micro', 'weighted'] as const)
        .map(
          (a) =>
            `<tr class="avg"><th>${a} avg</th><td>${pct(r[a].precision)}</td><td>${pct(r[a].recall)}</td><td>${pct(r[a].f1)}</td><td>${r.support}</td></tr>`,
        )
        .join('');
      // Cells shaded by the fraction of the true class (row) they hold.
      const cm = r.confusionMatrix
        .map((row, i) => {
          const total = row.reduce((a, b) => a + b, 0) || 1;
          const cells = row
            .map((v, j) => {
              const f = v / total;
              const color =
                i === j ? `rgba(44,160,44,${f.toFixed(3)})` : `rgba(214,39,40,${f.toFixed(3)})`;
              return `<td style="background:${color}" title="true ${esc(r.labels[i] ?? '')}, predicted ${esc(r.labels[j] ?? '')}">${v}</td>`;
            })
            .join('');
          return `<tr><th>${esc(r.labels[i] ?? String(i))}</th>${cells}</tr>`;
        })
        .join('');
      const head = r.labels.map((l) => `<th>${esc(l)}</th>`).join('');
      return `<div class="card classification" data-split="${esc(r.split)}"><h3>${esc(r.split)}${where}: accuracy ${pct(r.accuracy)}, macro F1 ${pct(r.macro.f1)}</h3>
<table class="scores"><tr><th></th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>${rows}${avg}</table>
<p>Confusion matrix (rows: true class, columns: predicted)</p>
<table class="confusion"><tr><th></th>${head}</tr>${cm}</table></div>`;
    })
    .join('\n');
}

/**
 * JSON for a `<script>` element: `<` (so `</script>` and `<!--` cannot end or change the script),
 * `>`, `&` and the JavaScript line separators are written as `\u` escapes, which JSON reads back
 * as the same characters.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * A self-contained HTML report of a run: loss (raw and smoothed), train vs validation metrics,
 * learning rate and gradient norm, update/weight ratio per layer (log scale), activation and
 * gradient histograms per layer, first-layer filters, the diagnosis, and the last classification
 * report of each split (per-class precision/recall/F1 and the confusion matrix) when the run has
 * {@link classificationRecord}s. Charts are uPlot,
 * inlined: the file opens from disk with no server and no network.
 */
export function htmlReport(run: RunLog, options: HtmlReportOptions): string {
  const steps = run.steps;
  const x = steps.map((s) => s.step);
  const loss = steps.map((s) => clean(s.loss));
  const smooth = ema(steps.map((s) => s.loss)).map((v) => clean(v));
  const epochs = run.epochs;
  const metricKeys = [...new Set(epochs.flatMap((e) => Object.keys(e.logs)))].sort();
  const layerNames = run.layerNames;
  const layerSteps = [...new Set(run.layers.map((l) => l.step))].sort((a, b) => a - b);
  const ratio = layerNames.map((n) =>
    layerSteps.map((s) => clean(run.layers.find((l) => l.name === n && l.step === s)?.updateRatio)),
  );
  const gn = steps.filter((s) => s.gradNorm !== undefined);
  const lr = steps.filter((s) => s.learningRate !== undefined);
  const lastActStep = Math.max(-1, ...run.activations.map((a) => a.step));
  const acts = run.activations.filter((a) => a.step === lastActStep);
  const lastHistStep = Math.max(
    -1,
    ...run.layers.filter((l) => l.grad?.histogram).map((l) => l.step),
  );
  const grads = run.layers.filter((l) => l.step === lastHistStep && l.grad?.histogram);
  const data = {
    loss: [x, loss, smooth],
    epochs: [
      epochs.map((e) => e.epoch + 1),
      ...metricKeys.map((k) => epochs.map((e) => clean(e.logs[k]))),
    ],
    metricKeys,
    ratio: [layerSteps, ...ratio],
    layerNames,
    gradNorm: [gn.map((s) => s.step), gn.map((s) => clean(s.gradNorm))],
    lr: [lr.map((s) => s.step), lr.map((s) => clean(s.learningRate))],
    hists: [
      ...acts.map((a) => ({
        title: `activations: ${a.layer} (zeros ${(a.summary.zeroFraction * 100).toFixed(1)}%)`,
        h: a.summary.histogram,
      })),
      ...grads.map((g) => ({ title: `gradients: ${g.name}`, h: g.grad!.histogram })),
    ].filter((h) => h.h),
  };
  const findings = diagnose(run);
  const filters = run.filters.at(-1);
  const title = options.title ?? 'trainkit run';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>${options.uplot.css}
body{font:14px system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}
.grid{display:flex;flex-wrap:wrap;gap:16px}.card{border:1px solid #ddd;border-radius:6px;padding:8px}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px;text-align:right}tr.avg{font-style:italic}
.finding{margin:4px 0}.error{color:#b00020}.warning{color:#a15c00}.info{color:#225}
</style></head><body>
<h1>${esc(title)}</h1>
<p>${steps.length} steps, ${epochs.length} epochs${run.end?.stopReason ? `, stopped: ${esc(run.end.stopReason)}` : ''}.</p>
<h2>Diagnosis</h2>
<div id="diagnosis">${
    findings.length
      ? findings
          .map(
            (f) =>
              `<div class="finding ${f.severity}">[${f.severity}] ${esc(f.message)} &mdash; ${esc(f.advice)}</div>`,
          )
          .join('\n')
      : '<div class="finding">nothing unusual in the curves</div>'
  }</div>
${run.classifications.length ? `<h2>Classification</h2>\n<div class="grid" id="classification">${classificationSection(run.classifications)}</div>` : ''}
<h2>Curves</h2>
<div class="grid" id="charts"></div>
${filters ? `<h2>First-layer filters (${esc(filters.layer)}, step ${filters.step})</h2><img id="filters" alt="filters" style="image-rendering:pixelated;width:${Number(filters.width) * 2}px" src="data:image/png;base64,${esc(String(filters.pngBase64))}">` : ''}
<script>${options.uplot.js}</script>
<script>
const D = ${scriptJson(data)};
const W = 420, H = 240, palette = ['#1f77b4','#ff7f0e','#2ca02c','#d62728','#9467bd','#8c564b','#e377c2','#7f7f7f','#bcbd22','#17becf'];
function chart(title, data, names, opts = {}) {
  if (!data[0] || data[0].length === 0) return;
  const el = document.createElement('div'); el.className = 'card chart'; document.getElementById('charts').appendChild(el);
  new uPlot({ title, width: W, height: H, scales: { x: { time: false }, y: opts.log ? { distr: 3 } : {} },
    series: [{ label: opts.x || 'step' }, ...names.map((n, i) => ({ label: n, stroke: palette[i % palette.length], width: 1.5, paths: opts.bars ? uPlot.paths.bars({ size: [0.9] }) : undefined, fill: opts.bars ? palette[i % palette.length] + '88' : undefined }))],
    axes: [{}, {}] }, data, el);
}
chart('loss', D.loss, ['loss', 'smoothed']);
chart('metrics per epoch', D.epochs, D.metricKeys, { x: 'epoch' });
chart('update / weight ratio (aim ~1e-3)', D.ratio, D.layerNames, { log: true });
chart('gradient global norm', D.gradNorm, ['|g|'], { log: true });
chart('learning rate', D.lr, ['lr']);
for (const h of D.hists) chart(h.title, [h.h.edges.slice(0, -1), h.h.counts], ['count'], { x: 'value', bars: true });
</script></body></html>`;
}
