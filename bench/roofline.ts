// The wasm SIMD roofline of this machine in Node (issue 17, "Must show"): the peak GFLOP/s of
// 128-bit wasm SIMD float32 arithmetic, one thread and two worker threads, from a hand-written
// loop of independent multiply-add chains; relaxed SIMD's fused f32x4.relaxed_madd where the
// runtime validates it (and, in a child Node with --experimental-wasm-relaxed-simd, what it
// would give); then a large square GEMM in scalar JavaScript, in @trainkit/linalg's 4x8 f32x4 GEMM
// engine (its `syrk` kernel, one and two threads over one shared memory), in tfjs wasm
// (`tf.matMul`: XNNPACK, and trainkit's installed kernels) and in PyTorch's sgemm (2 threads and
// 1 thread), alternated round by round in the same run.
//   npx tsx --conditions=@trainkit/source roofline.ts      (from bench/)
//   ROOFLINE_ROUNDS=n (default 3), ROOFLINE_N=n (GEMM size, default 1024)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { installFastKernels } from '@trainkit/backend';
import { Arena, kernelModule } from '@trainkit/linalg';

const here = new URL('.', import.meta.url).pathname;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

// ------------------------------------------------------------------ the peak loop
/** Independent chains acc_i = acc_i * m + c (converges to c / (1 - m): no overflow, no denormals). */
const CHAINS = Number(process.env.ROOFLINE_CHAINS ?? 12);
const UNROLL = 4;
/** FLOPs per loop iteration: chains x unroll x 4 lanes x (1 mul + 1 add). */
export const FLOPS_PER_ITER = CHAINS * UNROLL * 4 * 2;

function peakWat(fused: boolean): string {
  const locals = Array.from({ length: CHAINS }, (_, i) => `(local $a${i} v128)`).join(' ');
  const init = Array.from(
    { length: CHAINS },
    (_, i) => `(local.set $a${i} (f32x4.splat (f32.const ${(0.1 * (i + 1)).toFixed(2)})))`,
  ).join('\n    ');
  const one = Array.from({ length: CHAINS }, (_, i) =>
    fused
      ? `(local.set $a${i} (f32x4.relaxed_madd (local.get $a${i}) (local.get $m) (local.get $c)))`
      : `(local.set $a${i} (f32x4.add (f32x4.mul (local.get $a${i}) (local.get $m)) (local.get $c)))`,
  ).join('\n      ');
  const body = Array.from({ length: UNROLL }, () => one).join('\n      ');
  let sum = '(local.get $a0)';
  for (let i = 1; i < CHAINS; i++) sum = `(f32x4.add ${sum} (local.get $a${i}))`;
  return `(module
  (func (export "peak") (param $n i32) (result f32)
    (local $m v128) (local $c v128) ${locals}
    (local.set $m (f32x4.splat (f32.const 0.5)))
    (local.set $c (f32x4.splat (f32.const 1.0)))
    ${init}
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      ${body}
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))
    (f32x4.extract_lane 0 ${sum})))`;
}

async function assemble(wat: string, relaxed: boolean): Promise<Uint8Array> {
  // wabt is linalg's build tool (it assembles its kernels); borrowed from there.
  const req = createRequire(`${here}../packages/linalg/package.json`);
  const wabt = await (
    req('wabt') as () => Promise<{
      parseWat(
        name: string,
        text: string,
        features: Record<string, boolean>,
      ): {
        toBinary(o: object): { buffer: Uint8Array };
        destroy(): void;
      };
    }>
  )();
  const m = wabt.parseWat('peak.wat', wat, { simd: true, relaxed_simd: relaxed });
  try {
    return m.toBinary({}).buffer;
  } finally {
    m.destroy();
  }
}

// Plain JavaScript run in a child Node (so V8 flags can differ) that times the peak loop on one
// thread and on THREADS worker threads at once; prints one JSON line of GFLOP/s per round.
const PEAK_CHILD = `
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const bytes = Buffer.from(process.env.PEAK_WASM, 'base64');
const FLOPS = Number(process.env.PEAK_FLOPS_PER_ITER);
const mod = new WebAssembly.Module(bytes);
const peak = new WebAssembly.Instance(mod).exports.peak;
// ~0.3 s of iterations after a warm-up long enough for V8 to tier up from Liftoff to TurboFan.
function calibrate() {
  let n = 1 << 16;
  for (;;) {
    const t0 = performance.now(); peak(n); const ms = performance.now() - t0;
    if (ms > 150) return Math.round((n * 300) / ms);
    n *= 2;
  }
}
if (!isMainThread) {
  parentPort.on('message', (n) => {
    if (n === 'warm') { calibrate(); parentPort.postMessage(0); return; }
    const t0 = performance.timeOrigin + performance.now();
    peak(n);
    parentPort.postMessage([t0, performance.timeOrigin + performance.now()]);
  });
} else {
  const threads = Number(process.env.PEAK_THREADS);
  const rounds = Number(process.env.PEAK_ROUNDS);
  const n = calibrate(); calibrate();
  const workers = Array.from({ length: threads }, () => new Worker(process.env.PEAK_SELF, { eval: true, env: process.env }));
  const ask = (w, msg) => new Promise((res) => { w.once('message', res); w.postMessage(msg); });
  (async () => {
    await Promise.all(workers.map((w) => ask(w, 'warm')));
    const one = [], many = [], oneCpu = [];
    for (let r = 0; r < rounds; r++) {
      const c0 = process.cpuUsage(); const t0 = performance.now(); peak(n);
      const ms = performance.now() - t0; const c = process.cpuUsage(c0);
      one.push((n * FLOPS) / ms / 1e6);
      oneCpu.push((n * FLOPS) / ((c.user + c.system) / 1000) / 1e6);
      const spans = await Promise.all(workers.map((w) => ask(w, n)));
      const wall = Math.max(...spans.map((s) => s[1])) - Math.min(...spans.map((s) => s[0]));
      many.push((threads * n * FLOPS) / wall / 1e6);
    }
    console.log(JSON.stringify({ one, many, oneCpu }));
    for (const w of workers) w.terminate();
  })();
}
`;

function runPeak(
  bytes: Uint8Array,
  flags: string[],
  rounds: number,
): { one: number[]; many: number[]; oneCpu: number[] } | string {
  const r = spawnSync(process.execPath, [...flags, '-e', PEAK_CHILD], {
    encoding: 'utf8',
    env: {
      ...process.env,
      PEAK_WASM: Buffer.from(bytes).toString('base64'),
      PEAK_FLOPS_PER_ITER: String(FLOPS_PER_ITER),
      PEAK_THREADS: '2',
      PEAK_ROUNDS: String(rounds),
      PEAK_SELF: PEAK_CHILD,
    },
  });
  if (r.status !== 0) return (r.stderr || r.stdout).trim().split('\n').slice(0, 3).join(' ');
  return JSON.parse(r.stdout.trim().split('\n').pop() as string);
}

/**
 * The 1-thread wasm SIMD mul+add peak in GFLOP/s per second of CPU time (best of `rounds`), for
 * profile.ts, which times kernels in CPU time too (both unaffected by time the core was taken).
 */
export async function measurePeak(rounds = 3): Promise<number> {
  const p = runPeak(await assemble(peakWat(false), false), [], rounds);
  if (typeof p === 'string') throw new Error(p);
  return Math.max(...p.oneCpu);
}

// ------------------------------------------------------------------ the GEMMs
function scalarGemm(n: number): number {
  // C = A B, i-k-j order (unit stride inner loop), Float32Array storage, JS double arithmetic.
  const a = new Float32Array(n * n).map((_, i) => ((i * 7) % 13) / 13);
  const b = new Float32Array(n * n).map((_, i) => ((i * 5) % 11) / 11);
  const c = new Float32Array(n * n);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const ci = i * n;
    for (let k = 0; k < n; k++) {
      const aik = a[ci + k] as number;
      const bk = k * n;
      for (let j = 0; j < n; j++) c[ci + j] = (c[ci + j] as number) + aik * (b[bk + j] as number);
    }
  }
  const ms = performance.now() - t0;
  return (2 * n * n * n) / ms / 1e6;
}

/**
 * FLOPs linalg's `syrk(x, ld, rows, p8, c, kc)` performs: `C += X^T X` over the upper block
 * triangle, 4x8 tiles (i, j) with i <= j + 7, each `rows` steps of 32 multiply-adds.
 */
function syrkFlops(rows: number, p8: number): number {
  let tiles = 0;
  for (let j = 0; j < p8; j += 8) tiles += Math.ceil((j + 8) / 4);
  return tiles * 32 * 2 * rows;
}

const SYRK_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory } = workerData;
const k = new WebAssembly.Instance(module, { env: { memory } }).exports;
parentPort.on('message', (a) => {
  const t0 = performance.timeOrigin + performance.now();
  k.syrk(...a);
  parentPort.postMessage([t0, performance.timeOrigin + performance.now()]);
});
`;

interface Syrk {
  one(): number;
  two(): Promise<number>;
  close(): void;
}
async function linalgEngine(n: number): Promise<Syrk | string> {
  const plain = kernelModule(false);
  const shared = kernelModule(true);
  if (plain === undefined || shared === undefined) return 'no wasm SIMD';
  const ld = 4 * n;
  const x = 64;
  const cBytes = 8 * n * n;
  const bytes = x + ld * n + 64 + 2 * cBytes + 64;
  const fill = (arena: Arena) => {
    const v = arena.f32(x, n * n);
    for (let i = 0; i < v.length; i++) v[i] = ((i * 7) % 13) / 13;
  };
  const a1 = new Arena(plain, false, bytes);
  fill(a1);
  const c0 = x + ld * n + 64;
  const as = new Arena(shared, true, bytes);
  fill(as);
  const workers = [0, 1].map(
    () =>
      new Worker(SYRK_WORKER, { eval: true, workerData: { module: shared, memory: as.memory } }),
  );
  const ask = (w: Worker, args: number[]) =>
    new Promise<[number, number]>((res) => {
      w.once('message', res);
      w.postMessage(args);
    });
  const flops = syrkFlops(n, n);
  const half = n >> 1;
  const two = async () => {
    const spans = await Promise.all([
      ask(workers[0] as Worker, [x, ld, half, n, c0, 128]),
      ask(workers[1] as Worker, [x + half * ld, ld, n - half, n, c0 + cBytes, 128]),
    ]);
    const wall = Math.max(...spans.map((s) => s[1])) - Math.min(...spans.map((s) => s[0]));
    return flops / wall / 1e6;
  };
  const one = () => {
    const t0 = performance.now();
    a1.kernels.syrk(x, ld, n, n, c0, 128);
    return flops / (performance.now() - t0) / 1e6;
  };
  // Warm-up: V8 tiers the kernels up to TurboFan in the background.
  for (let i = 0; i < 3; i++) one();
  for (let i = 0; i < 3; i++) await two();
  return {
    one,
    two,
    close: () => {
      for (const w of workers) void w.terminate();
    },
  };
}

async function tfjsMatMul(n: number): Promise<() => Promise<number>> {
  const a = tf.randomUniform([n, n]);
  const b = tf.randomUniform([n, n]);
  const once = async () => {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    await c.data();
    const ms = performance.now() - t0;
    c.dispose();
    return (2 * n * n * n) / ms / 1e6;
  };
  for (let i = 0; i < 3; i++) await once();
  return once;
}

function torchSgemm(n: number, threads: number, reps: number): number | string {
  const python = process.env.PYTHON ?? '/usr/bin/python3';
  if (!existsSync(python)) return `no ${python}`;
  const code = `
import time, json, torch
torch.set_num_threads(${threads})
a = torch.rand(${n}, ${n}); b = torch.rand(${n}, ${n})
for _ in range(3): torch.mm(a, b)
t = []
for _ in range(${reps}):
    t0 = time.perf_counter(); torch.mm(a, b); t.append(time.perf_counter() - t0)
t.sort()
print(json.dumps(2 * ${n}**3 / t[len(t) // 2] / 1e9))`;
  const r = spawnSync(python, ['-c', code], {
    encoding: 'utf8',
    env: { ...process.env, OMP_PROC_BIND: 'true', OMP_PLACES: 'cores' },
  });
  if (r.status !== 0) return `PyTorch failed: ${r.stderr.trim().split('\n').pop()}`;
  return Number(r.stdout.trim());
}

// ------------------------------------------------------------------ the run
export async function main(): Promise<void> {
  const rounds = Number(process.env.ROOFLINE_ROUNDS ?? 3);
  const n = Number(process.env.ROOFLINE_N ?? 1024);
  console.log(
    `roofline: node ${process.version}, ${FLOPS_PER_ITER} FLOPs per iteration (${CHAINS} f32x4 chains x ${UNROLL}), ${rounds} rounds, load average ${loadAverage()}`,
  );
  const plain = await assemble(peakWat(false), false);
  const fused = await assemble(peakWat(true), true);
  const relaxedHere = WebAssembly.validate(fused as Uint8Array<ArrayBuffer>);
  console.log(
    `WebAssembly.validate(f32x4.relaxed_madd) in this Node (${process.version}): ${relaxedHere}`,
  );

  if (process.env.ROOFLINE_PEAK_ONLY) {
    console.log(
      JSON.stringify({
        plain: runPeak(plain, [], rounds),
        fused: runPeak(fused, relaxedHere ? [] : ['--experimental-wasm-relaxed-simd'], rounds),
      }),
    );
    return;
  }
  await tf.setBackend('wasm');
  const rows: Record<string, number[]> = {};
  const add = (k: string, v: number | string) => {
    if (typeof v === 'string') {
      console.log(`  ${k}: ${v}`);
      return;
    }
    rows[k] ??= [];
    rows[k].push(v);
  };
  const stockMatMul = await tfjsMatMul(n);
  installFastKernels('wasm');
  const fastMatMul = await tfjsMatMul(n);
  const engine = await linalgEngine(n);
  if (typeof engine === 'string') console.log(`  linalg engine: ${engine}`);

  for (let r = 0; r < rounds; r++) {
    const p = runPeak(plain, [], 1);
    if (typeof p === 'string') add('peak f32x4.mul + f32x4.add', p);
    else {
      add('peak f32x4.mul + f32x4.add, 1 thread', p.one[0] as number);
      add('peak f32x4.mul + f32x4.add, 1 thread, per CPU second', p.oneCpu[0] as number);
      add('peak f32x4.mul + f32x4.add, 2 worker threads', p.many[0] as number);
    }
    const f = runPeak(fused, relaxedHere ? [] : ['--experimental-wasm-relaxed-simd'], 1);
    const tag = relaxedHere ? '' : ' (node --experimental-wasm-relaxed-simd)';
    if (typeof f === 'string') add(`peak f32x4.relaxed_madd${tag}`, f);
    else {
      add(`peak f32x4.relaxed_madd, 1 thread${tag}`, f.one[0] as number);
      add(`peak f32x4.relaxed_madd, 1 thread, per CPU second${tag}`, f.oneCpu[0] as number);
      add(`peak f32x4.relaxed_madd, 2 worker threads${tag}`, f.many[0] as number);
    }
    add(`GEMM ${n / 2}^3, scalar JS (i-k-j), 1 thread`, scalarGemm(n / 2));
    if (typeof engine !== 'string') {
      add(`GEMM ${n}x${n}x${n} (X^T X), linalg 4x8 f32x4 engine, 1 thread`, engine.one());
      add(
        `GEMM ${n}x${n}x${n} (X^T X), linalg 4x8 f32x4 engine, 2 worker threads`,
        await engine.two(),
      );
    }
    add(`GEMM ${n}^3, tf.matMul wasm stock (XNNPACK), 1 thread`, await stockMatMul());
    add(`GEMM ${n}^3, tf.matMul wasm + trainkit kernels, 1 thread`, await fastMatMul());
    add(`GEMM ${n}^3, PyTorch sgemm, 2 threads`, torchSgemm(n, 2, 5));
    add(`GEMM ${n}^3, PyTorch sgemm, 1 thread`, torchSgemm(n, 1, 5));
  }
  if (typeof engine !== 'string') engine.close();
  const peak1 = rows['peak f32x4.mul + f32x4.add, 1 thread'];
  const peak2 = rows['peak f32x4.mul + f32x4.add, 2 worker threads'];
  // The peak is what the hardware gives when the core is ours: the best round, not the median
  // (other processes on this shared machine only ever lower it).
  const ref1 = peak1 ? Math.max(...peak1) : undefined;
  const ref2 = peak2 ? Math.max(...peak2) : undefined;
  console.log(
    `\n| what | GFLOP/s median of ${rounds} | max | rounds | median / 1-thread SIMD peak (max) | median / 2-thread SIMD peak (max) |`,
  );
  console.log('|---|---|---|---|---|---|');
  for (const [k, v] of Object.entries(rows)) {
    const m = median(v);
    const f = (ref: number | undefined) =>
      ref === undefined ? 'n/a' : `${((100 * m) / ref).toFixed(0)}%`;
    console.log(
      `| ${k} | ${m.toFixed(1)} | ${Math.max(...v).toFixed(1)} | ${v.map((x) => x.toFixed(1)).join(', ')} | ${f(ref1)} | ${f(ref2)} |`,
    );
  }
  console.log(`load average after: ${loadAverage()}`);
}

function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return '?';
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
