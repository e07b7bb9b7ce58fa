// The page: dataset, controls, monitors. All tensor work happens in the worker (worker.ts).
import { INITIALIZERS, SCHEDULES as SCHEDULE_CHOICES } from '@trainkit/cli/components';
import { formatJsonl, htmlReport, parseJsonl } from '@trainkit/monitors';
import uplotJs from 'uplot/dist/uPlot.iife.min.js?raw';
import uplotCss from 'uplot/dist/uPlot.min.css?raw';
import { esc } from './charts';
import { embeddedDataset, folderDataset, idxDataset, imageCanvas } from './datasets';
import { MonitorsView } from './monitors-view';
import {
  ARCHITECTURES,
  type DatasetMessage,
  type FromWorker,
  INITS,
  type ModelFiles,
  OPTIMIZERS,
  type RunState,
  SCHEDULES,
  type ToWorker,
  type TrainConfig,
} from './protocol';

// Other spellings a link may use for a select's value (`schedule=onecycle`, `init=small`).
const ALIASES: Record<string, Readonly<Record<string, string>>> = {
  init: INITIALIZERS.aliases,
  schedule: SCHEDULE_CHOICES.aliases,
};

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const input = (id: string) => $<HTMLInputElement>(id);

/** Shows an error where the user sees it (never console-only). */
function showError(context: string, message: string, code?: string): void {
  $('banner-text').textContent = `${context}: ${message}${code ? ` [${code}]` : ''}`;
  $('banner').hidden = false;
  $('banner').dataset.context = context;
}
$('banner-close').onclick = () => {
  $('banner').hidden = true;
};
window.addEventListener('error', (e) => showError('page', e.message));
window.addEventListener('unhandledrejection', (e) =>
  showError('page', String((e.reason as Error)?.message ?? e.reason)),
);

const unsupported = [
  typeof Worker === 'undefined' ? 'Web Workers' : '',
  typeof WebAssembly === 'undefined' ? 'WebAssembly' : '',
].filter(Boolean);
if (unsupported.length) {
  showError(
    'unsupported browser',
    `this browser lacks ${unsupported.join(' and ')}, which the demo needs to train without freezing the page. Use a current Chrome, Edge, Firefox or Safari.`,
  );
  $('backend').textContent = 'backend: none (unsupported browser)';
  $('dataset-status').textContent = 'not loaded (unsupported browser)';
} else start();

function start(): void {
  const view = new MonitorsView();
  const params = new URLSearchParams(location.search);
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  const send = (m: ToWorker, transfer: Transferable[] = []) => worker.postMessage(m, transfer);
  worker.onerror = (e) => showError('worker', e.message || 'the training worker failed to start');
  let dataset: DatasetMessage | undefined;
  let state: RunState = 'idle';
  let backendReady = false;

  const setState = (s: RunState, reason?: string) => {
    state = s;
    const status = $('status');
    status.dataset.state = s;
    status.dataset.reason = reason ?? '';
    // Keep the step / loss part the monitors wrote; change the state and reason in front of it.
    const at = status.dataset.step ? (status.textContent?.match(/: step .*/)?.[0] ?? '') : '';
    status.textContent = `${s}${reason ? ` (${reason})` : ''}${at}`;
    const training = s === 'training' || s === 'paused' || s === 'stopping';
    input('start').disabled = training || !dataset || !backendReady;
    $<HTMLButtonElement>('transfer-train').disabled =
      training || !dataset || !backendReady || !$('cut-layer').childElementCount;
    input('pause').disabled = s !== 'training';
    input('resume').disabled = s !== 'paused';
    input('stop').disabled = !training;
    const has = view.records.length > 0;
    input('save-report').disabled = !has;
    input('save-run').disabled = !has;
  };

  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    const m = event.data;
    switch (m.type) {
      case 'backend': {
        backendReady = true;
        const failed = m.info.tried.filter((t) => !t.ok).map((t) => `${t.name}: ${t.reason}`);
        const el = $('backend');
        el.dataset.backend = m.info.name;
        el.textContent = `backend: ${m.info.name}${m.adapter ? ` (${m.adapter})` : ''}`;
        el.title = failed.length ? `not used: ${failed.join('; ')}` : 'first choice';
        if (failed.length) el.textContent += ` - not used: ${failed.join('; ')}`;
        setState(state);
        break;
      }
      case 'dataset-ready':
        $('dataset-status').dataset.ready = 'true';
        $('dataset-status').textContent =
          `${dataset?.name}: ${m.trainSize} training, ${m.valSize} validation images, ${dataset?.numClasses} classes`;
        input('train-size').max = String(m.trainSize);
        setState(state);
        break;
      case 'model':
        $('model-summary').textContent =
          `${m.name}: ${m.params.toLocaleString()} weights; ${m.layers.map((l) => `${l.name} ${l.outputShape}`).join(' > ')}`;
        break;
      case 'record':
        view.add(m.record);
        if (view.records.length === 1) setState(state);
        break;
      case 'state':
        setState(m.state, m.reason);
        // Where a pause or stop took effect (the drawn step catches up within 250 ms).
        if (m.step !== undefined) $('status').dataset.stateStep = String(m.step);
        if (m.tensors !== undefined) $('status').dataset.tensors = String(m.tensors);
        if (m.state === 'done') input('save-model').disabled = false;
        break;
      case 'evaluation':
        view.showEvaluation(m.evaluation, dataset?.classNames ?? [], m.source);
        input('save-model').disabled = false;
        break;
      case 'saved':
        download('model.json', new Blob([m.files.json], { type: 'application/json' }));
        for (const w of m.files.weights)
          download(w.name, new Blob([w.data], { type: 'application/octet-stream' }));
        break;
      case 'transfer-model':
        showTransferModel(m);
        setState(state);
        break;
      case 'error':
        showError(m.context, m.message, m.code);
        break;
    }
  };

  send({
    type: 'init',
    backend: params.get('backend') ?? 'auto',
    wasmBase: new URL('wasm/', document.baseURI).href,
  });

  // ---- dataset ---------------------------------------------------------------------------
  const useDataset = (d: DatasetMessage) => {
    dataset = d;
    showSamples(d);
    $('dataset-status').dataset.ready = 'false';
    $('dataset-status').textContent = `${d.name}: preparing...`;
    // Copies go to the worker; the page keeps its own for the sample images.
    send({ type: 'dataset', dataset: structuredClone(d) });
  };
  const loadWith = (what: string, load: () => Promise<DatasetMessage>) =>
    load().then(useDataset, (e: Error & { code?: string }) => showError(what, e.message, e.code));
  loadWith('embedded dataset', () => embeddedDataset(document.baseURI));
  $('use-embedded').onclick = () =>
    loadWith('embedded dataset', () => embeddedDataset(document.baseURI));
  input('idx-files').onchange = () => {
    const files = [...(input('idx-files').files ?? [])];
    if (files.length) loadWith('IDX files', () => idxDataset(files));
  };
  input('image-folder').onchange = () => {
    const files = [...(input('image-folder').files ?? [])];
    if (files.length) loadWith('image folder', () => folderDataset(files));
  };
  const drop = $('drop-zone');
  drop.ondragover = (e) => {
    e.preventDefault();
    drop.classList.add('over');
  };
  drop.ondragleave = () => drop.classList.remove('over');
  drop.ondrop = (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const files = [...(e.dataTransfer?.files ?? [])];
    if (files.length) loadWith('IDX files', () => idxDataset(files));
  };

  function showSamples(d: DatasetMessage) {
    const box = $('samples');
    const figs: HTMLElement[] = [];
    const e = d.shape[0] * d.shape[1] * d.shape[2];
    for (let c = 0; c < d.numClasses && figs.length < 20; c++) {
      const i = d.train.y.indexOf(c);
      if (i < 0) continue;
      const fig = document.createElement('figure');
      fig.className = 'sample';
      fig.append(imageCanvas(d.train.x.subarray(i * e, (i + 1) * e)));
      const cap = document.createElement('figcaption');
      cap.textContent = d.classNames[c] ?? String(c);
      fig.append(cap);
      figs.push(fig);
    }
    box.replaceChildren(...figs);
  }

  // ---- training --------------------------------------------------------------------------
  const num = (id: string, min: number, integer = false) => {
    const v = Number(input(id).value);
    if (!Number.isFinite(v) || v < min || (integer && !Number.isInteger(v)))
      throw new Error(
        `"${id}" must be ${integer ? 'an integer' : 'a number'} >= ${min} (got "${input(id).value}")`,
      );
    return v;
  };
  const pick = <T extends readonly string[]>(id: string, values: T) => {
    const v = $<HTMLSelectElement>(id).value;
    if (!values.includes(v)) throw new Error(`unknown ${id} "${v}"`);
    return v as T[number];
  };
  const readConfig = (): TrainConfig => ({
    architecture: pick('architecture', ARCHITECTURES),
    init: pick('init', INITS),
    batchNorm: input('batch-norm').checked,
    l2: num('l2', 0),
    dropout: num('dropout', 0),
    augment: input('augment').checked,
    patience: num('patience', 0, true),
    optimizer: pick('optimizer', OPTIMIZERS),
    learningRate: num('learning-rate', 0),
    schedule: pick('schedule', SCHEDULES),
    epochs: num('epochs', 1, true),
    batchSize: num('batch-size', 1, true),
    trainSize: num('train-size', 1, true),
    valSize: num('val-size', 1, true),
    seed: num('seed', 0, true),
    every: num('every', 1, true),
  });
  const NOTES: Record<string, string> = {
    cnn: 'small CNN: conv 8 - pool - conv 16 - pool - dense (batch norm after each conv when on)',
    lenet5: 'LeNet-5, modern variant (ReLU, max pooling); batch norm after each conv when on',
    resnet: 'small ResNet: conv 32 + two basic blocks; batch norm is part of it (always on)',
  };
  const archChanged = () => {
    const a = $<HTMLSelectElement>('architecture').value;
    $('architecture-note').textContent = NOTES[a] ?? '';
    input('batch-norm').disabled = a === 'resnet';
    if (a === 'resnet') input('batch-norm').checked = true;
  };
  $('architecture').onchange = archChanged;
  archChanged();
  for (const [k, v] of params) {
    const el = document.getElementById(k) as HTMLInputElement | null;
    if (!el || k === 'backend') continue;
    if (el.type === 'checkbox') el.checked = v === 'true' || v === '1';
    else el.value = ALIASES[k]?.[v] ?? v;
  }
  archChanged();

  const beginRun = () => {
    view.reset();
    $('status').dataset.step = '';
    input('save-model').disabled = true;
  };
  $('start').onclick = () => {
    let config: TrainConfig;
    try {
      config = readConfig();
    } catch (e) {
      showError('settings', (e as Error).message);
      return;
    }
    beginRun();
    send({ type: 'train', config });
    setState('training');
  };
  $('pause').onclick = () => send({ type: 'pause' });
  $('resume').onclick = () => send({ type: 'resume' });
  $('stop').onclick = () => send({ type: 'stop' });

  // ---- transfer --------------------------------------------------------------------------
  for (const tab of document.querySelectorAll<HTMLButtonElement>('.tab'))
    tab.onclick = () => {
      for (const t of document.querySelectorAll('.tab')) t.classList.toggle('active', t === tab);
      $('page-train').hidden = tab.dataset.tab !== 'train';
      $('page-transfer').hidden = tab.dataset.tab !== 'transfer';
    };

  const readModelFiles = async (files: File[]): Promise<ModelFiles> => {
    const json = files.find((f) => f.name.endsWith('.json'));
    if (!json)
      throw new Error(
        `pick a model.json and its weight files (got ${files.map((f) => f.name).join(', ')})`,
      );
    return {
      json: await json.text(),
      weights: await Promise.all(
        files
          .filter((f) => f !== json)
          .map(async (f) => ({ name: f.name, data: await f.arrayBuffer() })),
      ),
    };
  };
  input('transfer-files').onchange = async () => {
    try {
      const files = await readModelFiles([...(input('transfer-files').files ?? [])]);
      send(
        { type: 'transfer-load', files },
        files.weights.map((w) => w.data),
      );
    } catch (e) {
      showError('transfer-load', (e as Error).message);
    }
  };
  $('transfer-load-url').onclick = async () => {
    const url = input('transfer-url').value.trim();
    try {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);
      const text = await res.text();
      const manifest =
        (JSON.parse(text) as { weightsManifest?: { paths: string[] }[] }).weightsManifest ?? [];
      const weights = await Promise.all(
        manifest
          .flatMap((g) => g.paths)
          .map(async (p) => {
            const r = await fetch(new URL(p, new URL(url, document.baseURI)).href);
            if (!r.ok) throw new Error(`HTTP ${r.status} for weight file ${p}`);
            return { name: p.split('/').pop() ?? p, data: await r.arrayBuffer() };
          }),
      );
      send(
        { type: 'transfer-load', files: { json: text, weights } },
        weights.map((w) => w.data),
      );
    } catch (e) {
      showError('transfer-load', (e as Error).message);
    }
  };
  function showTransferModel(m: Extract<FromWorker, { type: 'transfer-model' }>) {
    const rows = m.layers
      .map(
        (l) =>
          `<tr data-layer="${esc(l.name)}"><td>${l.index}</td><td>${esc(l.name)}</td><td>${esc(l.className)}</td><td>[${l.outputShape.map((d) => d ?? 'N').join(', ')}]</td><td>${l.params}</td></tr>`,
      )
      .join('');
    $('transfer-layers').innerHTML =
      `<tr><th>#</th><th>layer</th><th>class</th><th>output</th><th>weights</th></tr>${rows}`;
    $('transfer-layers').dataset.count = String(m.layers.length);
    const names = m.layers.map((l) => l.name);
    const cut =
      m.plan.layerName && names.includes(m.plan.layerName)
        ? m.plan.layerName
        : (names[names.length - 2] ?? names[0]!);
    $('cut-layer').innerHTML = names
      .map((n) => `<option${n === cut ? ' selected' : ''}>${esc(n)}</option>`)
      .join('');
    $('freeze-up-to').innerHTML =
      `<option value="">(nothing frozen)</option>` +
      names
        .map(
          (n) => `<option${m.plan.freezeBody && n === cut ? ' selected' : ''}>${esc(n)}</option>`,
        )
        .join('');
    $('transfer-plan').dataset.case = m.plan.case;
    $('transfer-plan').innerHTML =
      `Input [${m.inputShape.map((d) => d ?? 'N').join(', ')}]. Advisor: <b>${esc(m.plan.case)}</b> -> <b>${esc(m.plan.strategy)}</b>${m.plan.layerName ? ` at ${esc(m.plan.layerName)}` : ''}. ${esc(m.plan.reason)}`;
  }
  $('transfer-train').onclick = () => {
    try {
      const freeze = $<HTMLSelectElement>('freeze-up-to').value;
      const config = {
        cutLayer: $<HTMLSelectElement>('cut-layer').value,
        freezeUpTo: freeze === '' ? null : freeze,
        learningRate: num('transfer-lr', 0),
        epochs: num('transfer-epochs', 1, true),
        batchSize: num('transfer-batch-size', 1, true),
        trainSize: num('transfer-train-size', 1, true),
        valSize: num('val-size', 1, true),
      };
      beginRun();
      send({ type: 'transfer-train', config });
      setState('training');
    } catch (e) {
      showError('settings', (e as Error).message);
    }
  };

  // ---- save and reload -------------------------------------------------------------------
  $('save-model').onclick = () => send({ type: 'save' });
  $('save-report').onclick = () =>
    download(
      'report.html',
      new Blob(
        [
          htmlReport(view.run, {
            title: 'trainkit demo run',
            uplot: { js: uplotJs, css: uplotCss },
          }),
        ],
        { type: 'text/html' },
      ),
    );
  $('save-run').onclick = () =>
    download('run.jsonl', new Blob([formatJsonl(view.records)], { type: 'application/x-ndjson' }));
  input('reload-model').onchange = async () => {
    try {
      const files = await readModelFiles([...(input('reload-model').files ?? [])]);
      send(
        { type: 'reload', files },
        files.weights.map((w) => w.data),
      );
    } catch (e) {
      showError('reload', (e as Error).message);
    }
  };
  input('reload-run').onchange = async () => {
    const file = input('reload-run').files?.[0];
    if (!file) return;
    try {
      view.load(parseJsonl(await file.text(), file.name));
      $('status').dataset.state = 'reloaded';
      setState('idle', `reloaded ${file.name}`);
    } catch (e) {
      showError('reload run', (e as Error).message);
    }
  };
  setState('idle');
}

function download(name: string, blob: Blob): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
