import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedDir } from '@trainkit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPretrained } from './load-pretrained-node';
import { findPretrained, pretrainedModels, registerPretrained } from './pretrained-registry';

const FIXTURE = fileURLToPath(new URL('../fixtures', import.meta.url));
const models = sharedDir('models');
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

/** Serves `root` on 127.0.0.1 (the tests' stand-in for the network); records the requests. */
async function serve(root: string) {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const p = join(root, decodeURIComponent(req.url ?? '/'));
    if (!existsSync(p)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': String(readFileSync(p).length) });
    createReadStream(p).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, hits, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('loadPretrained', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    server = await serve(FIXTURE);
    registerPretrained({
      name: 'fashion04-cnn',
      url: `${server.url}fashion04-cnn/model.json`,
      files: [
        { path: 'model.json', sha256: sha(join(FIXTURE, 'fashion04-cnn/model.json')) },
        { path: 'weights.bin', sha256: sha(join(FIXTURE, 'fashion04-cnn/weights.bin')) },
      ],
      inputSize: [28, 28, 1],
      normalization: 'unit',
      resize: 'stretch',
      dataset: 'Fashion-MNIST classes 0-4',
      numClasses: 5,
      licence: 'MIT',
      source: 'this repository',
    });
  });
  afterAll(() => server.close());

  it('downloads with progress, verifies, caches, then loads offline from the cache', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'trainkit-cache-'));
    const seen: number[] = [];
    const first = await loadPretrained('fashion04-cnn', {
      cacheDir,
      progress: false,
      onProgress: (p) => seen.push(p.loaded),
    });
    expect(first.fromCache).toBe(false);
    expect(first.dir).toBe(join(cacheDir, 'models', 'fashion04-cnn'));
    expect(first.info?.inputSize).toEqual([28, 28, 1]);
    expect(first.model.inputs[0]!.shape).toEqual([null, 28, 28, 1]);
    const bytes = ['model.json', 'weights.bin'].map(
      (f) => readFileSync(join(FIXTURE, 'fashion04-cnn', f)).length,
    );
    expect(seen.at(-1)).toBe(bytes[0]! + bytes[1]!);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(readdirSync(join(cacheDir, 'models'))).toEqual(['fashion04-cnn']); // no temporary left
    const hits = server.hits.length;
    const again = await loadPretrained('fashion04-cnn', { cacheDir, offline: true });
    expect(again.fromCache).toBe(true);
    expect(server.hits.length).toBe(hits);
    // same weights
    const a = first.model.getWeights()[0]!;
    const b = again.model.getWeights()[0]!;
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    first.model.dispose();
    again.model.dispose();
  });

  it('replaces a corrupted cache, and refuses a download whose checksum differs', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'trainkit-cache-'));
    (await loadPretrained('fashion04-cnn', { cacheDir, progress: false })).model.dispose();
    const w = join(cacheDir, 'models', 'fashion04-cnn', 'weights.bin');
    writeFileSync(w, Buffer.alloc(131476));
    await expect(loadPretrained('fashion04-cnn', { cacheDir, offline: true })).rejects.toThrow(
      /not in the cache \(offline\)/,
    );
    const fresh = await loadPretrained('fashion04-cnn', { cacheDir, progress: false });
    expect(fresh.fromCache).toBe(false);
    expect(sha(w)).toBe(findPretrained('fashion04-cnn')!.files[1]!.sha256);
    fresh.model.dispose();
    const entry = findPretrained('fashion04-cnn')!;
    registerPretrained({
      ...entry,
      name: 'tampered',
      files: [entry.files[0]!, { path: 'weights.bin', sha256: '0'.repeat(64) }],
    });
    const other = mkdtempSync(join(tmpdir(), 'trainkit-cache-'));
    await expect(
      loadPretrained('tampered', {
        cacheDir: other,
        progress: false,
        mirror: `${server.url}fashion04-cnn/`,
      }),
    ).rejects.toThrow(/weights\.bin: checksum mismatch .*nothing was saved/);
    expect(existsSync(join(other, 'models'))).toBe(true);
    expect(readdirSync(join(other, 'models'))).toEqual([]); // the temporary folder is gone
  });

  it('says how to place the files by hand when the network is unreachable', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'trainkit-cache-'));
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const err = await loadPretrained('fashion04-cnn', {
      cacheDir,
      progress: false,
      mirror: `http://127.0.0.1:${port}/m/`,
    }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as { code?: string }).code).toBe('IO');
    expect((err as Error).message).toMatch(
      /cannot download \(offline or unreachable: ECONNREFUSED\)/,
    );
    expect((err as Error).message).toContain(
      `place these 2 files by hand in ${join(cacheDir, 'models', 'fashion04-cnn')}/`,
    );
    expect((err as Error).message).toContain(`http://127.0.0.1:${port}/m/weights.bin`);
  });

  it('loads a plain URL and records its checksums for later offline loads', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'trainkit-cache-'));
    const url = `${server.url}fashion04-cnn/model.json`;
    const a = await loadPretrained(url, { cacheDir, progress: false });
    expect(a.info).toBeUndefined();
    const b = await loadPretrained(url, { cacheDir, offline: true });
    expect(b.fromCache).toBe(true);
    expect(b.dir).toBe(a.dir);
    a.model.dispose();
    b.model.dispose();
  });

  it('refuses unknown names, bad mirrors and bad registry entries', async () => {
    await expect(loadPretrained('resnet-9000')).rejects.toThrow(
      /nameOrUrl: no pretrained network named 'resnet-9000'; expected one of .*darknet-tiny/,
    );
    await expect(loadPretrained('fashion04-cnn', { mirror: 'ftp://x/' })).rejects.toThrow(
      /mirror: /,
    );
    expect(() =>
      registerPretrained({ ...findPretrained('fashion04-cnn')!, name: 'Bad Name' }),
    ).toThrow(/name: /);
    expect(() =>
      registerPretrained({
        ...findPretrained('fashion04-cnn')!,
        name: 'x',
        files: [{ path: 'w.bin', sha256: 'a' }],
      }),
    ).toThrow(/files: files must list model\.json first/);
    expect(pretrainedModels().map((m) => m.name)).toContain('darknet-tiny');
  });

  it.skipIf(!models)(
    'the registered darknet-tiny checksums are those of the published files',
    async () => {
      // ../shared/models/darknet-tiny is the ml5 folder copied unchanged; serve it as a mirror.
      const entry = findPretrained('darknet-tiny')!;
      for (const f of entry.files)
        expect(sha(join(models!, 'darknet-tiny', f.path))).toBe(f.sha256);
      const local = await serve(join(models!, 'darknet-tiny'));
      try {
        const cacheDir = mkdtempSync(join(tmpdir(), 'trainkit-cache-'));
        const { model, info } = await loadPretrained('darknet-tiny', {
          cacheDir,
          mirror: local.url,
          progress: false,
        });
        expect(info?.numClasses).toBe(1000);
        expect(model.outputs[0]!.shape).toEqual([null, 1000]);
        expect(local.hits).toHaveLength(32);
        model.dispose();
      } finally {
        await local.close();
      }
    },
  );
});
