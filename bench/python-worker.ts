// A PyTorch twin in a child process, spoken to line by line: it prints one JSON line on start
// (its versions and threads), then answers each request line with one JSON line `{ ms: [...] }`.
// OpenMP threads are bound to cores, as in every PyTorch figure of BENCHMARKS.md.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface PythonWorker {
  /** The worker's first line: `{ torch, threads, ... }`. */
  hello: Record<string, unknown>;
  /** Sends `line`, returns the `ms` array of the answer. */
  ask(line: string): Promise<number[]>;
  close(): void;
}

/** Starts `script` with `threads` as its argument; a string says why PyTorch is unavailable. */
export async function startPython(script: string, threads: number): Promise<PythonWorker | string> {
  const exe = process.env.PYTHON ?? '/usr/bin/python3';
  if (!existsSync(exe)) return `no ${exe}`;
  const child = spawn(exe, [script, String(threads)], {
    env: { ...process.env, OMP_PROC_BIND: 'true', OMP_PLACES: 'cores' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(stderr.trim().split('\n').at(-1) ?? 'python exited');
    return JSON.parse(value as string);
  };
  try {
    const hello = await next();
    return {
      hello,
      ask: async (line) => {
        child.stdin.write(`${line}\n`);
        return (await next()).ms;
      },
      close: () => child.stdin.end(),
    };
  } catch (e) {
    return `PyTorch unavailable (${(e as Error).message})`;
  }
}
