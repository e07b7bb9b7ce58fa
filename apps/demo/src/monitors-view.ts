// The live monitors panel: draws @trainkit/monitors records as they arrive from the worker, at
// most once per animation frame, and runs the diagnosis when an epoch or the run ends.
import {
  diagnose,
  ema,
  type Finding,
  type LayerRecord,
  type MonitorRecord,
  RunLog,
} from '@trainkit/monitors';
import { esc, histogramChart, lineChart } from './charts';
import { imageCanvas } from './datasets';
import type { Evaluation } from './protocol';

const $ = <T extends Element>(id: string) => document.getElementById(id) as unknown as T;

export class MonitorsView {
  records: MonitorRecord[] = [];
  findings: Finding[] = [];
  private scheduled = false;
  private lastDraw = 0;
  /** Which parts changed since the last draw: redraw only those. */
  private dirty = { curves: true, hists: true, filters: true };

  reset(): void {
    this.records = [];
    this.findings = [];
    this.dirty = { curves: true, hists: true, filters: true };
    $<HTMLElement>('diagnosis').innerHTML = '<li>no findings yet</li>';
    $<HTMLElement>('evaluation').textContent = '';
    $<HTMLElement>('confusion').innerHTML = '';
    $<HTMLElement>('misclassified').innerHTML = '';
    $<HTMLElement>('filters').innerHTML = '';
    delete $<HTMLElement>('filters').dataset.step;
    this.schedule();
  }

  add(r: MonitorRecord): void {
    this.records.push(r);
    this.markDirty(r);
    if (r.type === 'epoch' || r.type === 'end') this.runDiagnosis();
    this.schedule();
  }

  /** Replaces the records (a reloaded run) and redraws everything. */
  load(run: RunLog): void {
    this.reset();
    this.records = [...run.records];
    this.dirty = { curves: true, hists: true, filters: true };
    this.runDiagnosis();
    this.schedule();
  }

  get run(): RunLog {
    return new RunLog(this.records);
  }

  private runDiagnosis(): void {
    const t0 = performance.now();
    this.findings = diagnose(this.run);
    performance.measure('demo:diagnose', { start: t0 });
    const list = $<HTMLElement>('diagnosis');
    list.dataset.count = String(this.findings.length);
    list.innerHTML = this.findings.length
      ? this.findings
          .map(
            (f) =>
              `<li class="${f.severity}" data-rule="${f.rule}"><b>[${f.severity}] ${esc(f.rule)}</b>: ${esc(f.message)} <i>${esc(f.advice)}</i></li>`,
          )
          .join('')
      : '<li data-rule="none">nothing unusual so far</li>';
  }

  private markDirty(r: MonitorRecord): void {
    if (r.type === 'step' || r.type === 'epoch' || r.type === 'layer') this.dirty.curves = true;
    if (r.type === 'activation' || (r.type === 'layer' && r.grad?.histogram))
      this.dirty.hists = true;
    if (r.type === 'filters') this.dirty.filters = true;
  }

  /** Redraws on an animation frame, at most every 250 ms: live enough, and cheap. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // Tests (and anyone watching the DOM) can tell that records are waiting to be drawn.
    $<HTMLElement>('status').dataset.drawPending = 'true';
    const wait = Math.max(0, 250 - (performance.now() - this.lastDraw));
    setTimeout(
      () =>
        requestAnimationFrame(() => {
          this.scheduled = false;
          delete $<HTMLElement>('status').dataset.drawPending;
          this.lastDraw = performance.now();
          const t0 = performance.now();
          this.draw();
          performance.measure('demo:draw', { start: t0 });
        }),
      wait,
    );
  }

  private draw(): void {
    const run = this.run;
    const steps = run.steps;
    const dirty = this.dirty;
    this.dirty = { curves: false, hists: false, filters: false };
    if (dirty.curves) this.drawCurves(run);
    if (dirty.hists) this.drawHistograms(run);
    const f = run.filters.at(-1);
    const box = $<HTMLElement>('filters');
    if (dirty.filters && f && box.dataset.step !== String(f.step)) {
      box.dataset.step = String(f.step);
      box.innerHTML = `<img alt="filters of ${esc(f.layer)}" src="data:image/png;base64,${f.pngBase64}"/><div class="note">${esc(f.layer)} at step ${f.step}, roughness ${f.roughness.toFixed(2)} (white noise = 2)</div>`;
    }
    if (!f && run.end && !box.dataset.step)
      box.innerHTML =
        '<div class="note">no trainable conv layer in this run (frozen, or none)</div>';
    const last = steps.at(-1);
    if (last) {
      const status = $<HTMLElement>('status');
      status.dataset.step = String(last.step);
      const speed = last.stepTimeMs !== undefined ? `, ${last.stepTimeMs.toFixed(0)} ms/step` : '';
      const reason = status.dataset.reason ? ` (${status.dataset.reason})` : '';
      const prefix = `${status.dataset.state ?? 'training'}${reason}`;
      status.textContent = `${prefix}: step ${last.step}, epoch ${last.epoch + 1}, loss ${last.loss.toFixed(4)}${speed}`;
    }
  }

  private drawCurves(run: RunLog): void {
    const steps = run.steps;
    const losses = steps.map((s) => s.loss);
    const smooth = ema(losses);
    lineChart($('chart-loss'), [
      { name: 'loss', points: steps.map((s, i) => [s.step, losses[i]!]), color: '#9ab' },
      { name: 'smoothed', points: steps.map((s, i) => [s.step, smooth[i]!]), color: '#1f4f8f' },
    ]);
    const acc = run.epochSeries('acc');
    const valAcc = run.epochSeries('val_acc');
    lineChart($('chart-acc'), [
      { name: 'train acc', points: acc.map((e) => [e.epoch + 1, e.value]) },
      { name: 'val acc', points: valAcc.map((e) => [e.epoch + 1, e.value]), dashed: true },
    ]);
    const kernels = run.layerNames.filter((n) => /kernel/.test(n));
    const byName = new Map<string, LayerRecord[]>();
    for (const l of run.layers)
      if (kernels.includes(l.name)) byName.set(l.name, [...(byName.get(l.name) ?? []), l]);
    lineChart(
      $('chart-ratio'),
      kernels.map((n) => ({
        name: n,
        points: (byName.get(n) ?? []).map((l) => [l.step, l.updateRatio ?? Number.NaN]),
      })),
      { logY: true },
    );
  }

  private drawHistograms(run: RunLog): void {
    const kernels = run.layerNames.filter((n) => /kernel/.test(n));
    // Latest activation histogram of each layer, latest gradient histogram of each kernel.
    const acts = new Map<string, MonitorRecord & { type: 'activation' }>();
    for (const a of run.activations) acts.set(a.layer, a);
    const actBox = $<HTMLElement>('hist-act');
    actBox.replaceChildren(
      ...[...acts.values()]
        .filter((a) => a.summary.histogram)
        .map((a) =>
          histogramChart(
            `${a.layer} (zeros ${(100 * a.summary.zeroFraction).toFixed(0)}%, step ${a.step})`,
            a.summary.histogram!.edges,
            a.summary.histogram!.counts,
          ),
        ),
    );
    const grads = new Map<string, LayerRecord>();
    for (const l of run.layers)
      if (l.grad?.histogram && kernels.includes(l.name)) grads.set(l.name, l);
    $<HTMLElement>('hist-grad').replaceChildren(
      ...[...grads.values()].map((l) =>
        histogramChart(
          `${l.name} (step ${l.step})`,
          l.grad!.histogram!.edges,
          l.grad!.histogram!.counts,
        ),
      ),
    );
  }

  showEvaluation(e: Evaluation, classNames: string[], source: string): void {
    $<HTMLElement>('evaluation').innerHTML =
      `<span data-source="${source}" data-accuracy="${e.accuracy}">${source} model: validation accuracy ` +
      `<b>${(100 * e.accuracy).toFixed(1)}%</b> on ${e.count} examples</span>`;
    const k = e.confusion.length;
    const max = Math.max(1, ...e.confusion.flat());
    const name = (i: number) => esc(classNames[i] ?? String(i));
    const rows = e.confusion
      .map(
        (row, i) =>
          `<tr><th title="${name(i)}">${name(i).slice(0, 8)}</th>${row
            .map((c, j) => {
              const a = c / max;
              const bg = i === j ? `rgba(40,140,60,${a})` : `rgba(200,40,40,${a})`;
              return `<td data-count="${c}" style="background:${bg}">${c || ''}</td>`;
            })
            .join('')}</tr>`,
      )
      .join('');
    const table = $<HTMLTableElement>('confusion');
    table.dataset.classes = String(k);
    table.innerHTML = `<caption>confusion matrix (rows: true class, columns: predicted)</caption>${rows}`;
    const mis = $<HTMLElement>('misclassified');
    mis.replaceChildren(
      ...e.misclassified
        .filter((m) => m.pixels)
        .map((m) => {
          const fig = document.createElement('figure');
          fig.className = 'misclassified';
          fig.append(imageCanvas(m.pixels!));
          const cap = document.createElement('figcaption');
          cap.textContent = `${classNames[m.label] ?? m.label} -> ${classNames[m.predicted] ?? m.predicted}`;
          fig.append(cap);
          return fig;
        }),
    );
  }
}
