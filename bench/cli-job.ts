// `trainkit train`'s default job (the README's main job: LeNet-5, the embedded Fashion-MNIST
// subset, 6 epochs, batch 32, Adam, validation each epoch) as a user runs it, beside its PyTorch
// twin (bench/torch_cli_job.py: same data, split, model, optimizer, batch, epochs), alternated
// round by round in the same run. Both report their training seconds (trainkit: the "trained ...
// in X s" line, which also counts the checkpoint and model written each epoch; PyTorch: its
// loop with validation).
//   npx tsx --conditions=@trainkit/source bench/cli-job.ts
//   CLI_JOB_ROUNDS=n (default 3), CLI_JOB_EPOCHS=n (default 6),
//   CLI_JOB_VARIANTS='default|--replicas 1' (trainkit argument sets, '|'-separated; 'default' = none;
//   'root=/path/to/checkout' runs that checkout's CLI with its defaults: a before/after in one run),
//   CLI_JOB_DATASET=fashion-mnist (the full set, 54,000 training images after the 10% validation
//   split, from ../shared/data as the CLI finds it; default: the embedded subset, no flag),
//   CLI_JOB_FRACTION=f (with fashion-mnist: the first f of its train and test images, written as
//   an IDX folder both sides load, `--dataset <folder>`: a 1/4 epoch is f=0.25; the CLI has no
//   steps-per-epoch flag)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

const here = new URL('.', import.meta.url).pathname;
const root = join(here, '..');
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

let dataset = 'embedded';

function trainkit(args: string[], epochs: number, from = root): number {
  const out = mkdtempSync(join(tmpdir(), 'trainkit-cli-job-'));
  try {
    const r = spawnSync(
      process.execPath,
      [
        '--conditions=@trainkit/source',
        join(from, 'apps/cli/dev.mjs'),
        'train',
        '--epochs',
        String(epochs),
        '--out',
        join(out, 'run'),
        ...(dataset === 'embedded' ? [] : ['--dataset', dataset]),
        ...args,
      ],
      { cwd: from, encoding: 'utf8', env: { ...process.env, CI: '1' } },
    );
    const m = /trained \d+ epochs \(\d+ steps\) in ([\d.]+) s/.exec(r.stdout ?? '');
    if (!m) throw new Error(`trainkit train failed: ${r.stdout}\n${r.stderr}`);
    return Number(m[1]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function torch(threads: number, epochs: number): number | string {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const r = spawnSync(
    PYTHON,
    [join(here, 'torch_cli_job.py'), String(threads), String(epochs), dataset],
    {
      encoding: 'utf8',
      env: { ...process.env, OMP_PROC_BIND: 'true', OMP_PLACES: 'cores' },
    },
  );
  if (r.status !== 0) return `PyTorch failed: ${r.stderr.split('\n').slice(-3).join(' ')}`;
  return (JSON.parse(r.stdout.trim().split('\n').pop() as string) as { seconds: number }).seconds;
}

/** Writes the first `fraction` of Fashion-MNIST's train and test IDX files into a new folder. */
function fashionFraction(fraction: number): string {
  const from = [
    process.env.TRAINKIT_DATA && join(process.env.TRAINKIT_DATA, 'fashion-mnist'),
    join(root, '..', 'shared', 'data', 'fashion-mnist'),
  ].find((d) => d && existsSync(join(d, 'train-images-idx3-ubyte.gz')));
  if (!from) throw new Error('no Fashion-MNIST in $TRAINKIT_DATA or ../shared/data');
  const to = mkdtempSync(join(tmpdir(), 'trainkit-fashion-part-'));
  mkdirSync(to, { recursive: true });
  for (const part of ['train', 't10k'])
    for (const kind of ['images-idx3', 'labels-idx1']) {
      const name = `${part}-${kind}-ubyte.gz`;
      const data = gunzipSync(readFileSync(join(from, name)));
      const dims = data[3] as number;
      const n = data.readUInt32BE(4);
      const keep = Math.round(n * fraction);
      const item = (data.length - 4 - 4 * dims) / n;
      const head = Buffer.from(data.subarray(0, 4 + 4 * dims));
      head.writeUInt32BE(keep, 4);
      const body = data.subarray(4 + 4 * dims, 4 + 4 * dims + keep * item);
      writeFileSync(join(to, name), gzipSync(Buffer.concat([head, body])));
    }
  return to;
}

/** Runs the rounds; prints one line per variant with its median seconds and ratio to PyTorch. */
export async function main(
  options: {
    dataset?: string;
    epochs?: number;
    rounds?: number;
    variants?: string;
    fraction?: number;
  } = {},
): Promise<Record<string, number>> {
  const rounds = options.rounds ?? Number(process.env.CLI_JOB_ROUNDS ?? 3);
  const epochs = options.epochs ?? Number(process.env.CLI_JOB_EPOCHS ?? 6);
  dataset = options.dataset ?? process.env.CLI_JOB_DATASET ?? 'embedded';
  const fraction = options.fraction ?? Number(process.env.CLI_JOB_FRACTION ?? 1);
  const label =
    dataset === 'embedded'
      ? 'default job'
      : `--dataset ${dataset}${fraction < 1 ? ` (first ${fraction} of it)` : ''}`;
  let part: string | undefined;
  if (dataset === 'fashion-mnist' && fraction < 1) {
    part = fashionFraction(fraction);
    dataset = part;
  }
  const variants = (options.variants ?? process.env.CLI_JOB_VARIANTS ?? 'default|--replicas 1')
    .split('|')
    .map((v) => v.trim())
    .filter(Boolean);
  const times: Record<string, number[]> = {};
  const add = (k: string, v: number) => {
    times[k] ??= [];
    times[k].push(v);
  };
  let skipped = '';
  for (let r = 0; r < rounds; r++) {
    // Alternate the order each round so drift on the shared machine hits every variant alike.
    const jobs: (() => void)[] = [
      ...variants.map(
        (v) => () =>
          add(
            `trainkit train ${v}`,
            v.startsWith('root=')
              ? trainkit([], epochs, v.slice(5))
              : trainkit(v === 'default' ? [] : v.split(/\s+/), epochs),
          ),
      ),
      () => {
        const t = torch(2, epochs);
        if (typeof t === 'string') skipped = t;
        else add('PyTorch, 2 threads', t);
      },
      () => {
        const t = torch(1, epochs);
        if (typeof t === 'number') add('PyTorch, 1 thread', t);
      },
    ];
    if (r % 2 === 1) jobs.reverse();
    for (const job of jobs) job();
  }
  const ref = times['PyTorch, 2 threads'] ? median(times['PyTorch, 2 threads']) : undefined;
  // On a busy machine PyTorch's 2 bound OpenMP threads wait on each other: the faster of its two
  // configurations is the fair reference, printed beside the 2-thread one.
  const one = times['PyTorch, 1 thread'] ? median(times['PyTorch, 1 thread']) : undefined;
  const best = ref === undefined ? one : one === undefined ? ref : Math.min(ref, one);
  console.log(
    `trainkit train ${label} (${epochs} epochs), training seconds, median of ${rounds} alternated rounds${skipped ? ` (PyTorch skipped: ${skipped})` : ''}`,
  );
  const out: Record<string, number> = {};
  const ratio = (m: number, r: number | undefined) =>
    r === undefined ? 'n/a' : `${(m / r).toFixed(2)}x`;
  for (const [k, v] of Object.entries(times)) {
    const m = median(v);
    out[k] = m;
    console.log(
      `  ${k.padEnd(36)} ${m.toFixed(2).padStart(7)} s   vs PyTorch 2 threads ${ratio(m, ref)}, vs faster PyTorch ${ratio(m, best)}   [${v.map((t) => t.toFixed(2)).join(', ')}]`,
    );
  }
  if (part) rmSync(part, { recursive: true, force: true });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
