import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../test/local-server';
import { downloadFile, sha256Hex } from './download-node';

// A local server on 127.0.0.1 stands in for the network: tests never leave the machine.
const body = new TextEncoder().encode('hello trainkit');
let server: Server;
let base: string;
const dir = mkdtempSync(join(tmpdir(), 'trainkit-data-dl-'));

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/file') res.end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('sha256Hex', () => {
  it('matches the FIPS 180-2 test vector for "abc"', () => {
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe('downloadFile', () => {
  it('downloads and verifies the checksum', async () => {
    const dest = join(dir, 'sub', 'ok.bin');
    await downloadFile(`${base}/file`, dest, { sha256: sha256Hex(body).toUpperCase() });
    expect(new Uint8Array(readFileSync(dest))).toEqual(body);
  });

  it('refuses a checksum mismatch and writes nothing', async () => {
    const dest = join(dir, 'bad.bin');
    const err = await downloadFile(`${base}/file`, dest, { sha256: '00'.repeat(32) }).catch(
      (e) => e,
    );
    expect(err).toMatchObject({ code: 'IO', argument: `${base}/file` });
    expect(err.message).toMatch(
      /checksum mismatch.*expected sha256 0000.*received sha256 [0-9a-f]{64} \(14 bytes\)/,
    );
    expect(existsSync(dest)).toBe(false);
  });

  it('reports an HTTP error status', async () => {
    await expect(downloadFile(`${base}/missing`, join(dir, 'm.bin'))).rejects.toThrow(
      /missing: download failed with HTTP 404/,
    );
  });

  it('fails with a clear IOError when offline (closed port on 127.0.0.1)', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/file`;
    const err = await downloadFile(url, join(dir, 'x.bin'), { timeoutMs: 5000 }).catch((e) => e);
    expect(err).toMatchObject({ code: 'IO', argument: url });
    expect(err.message).toMatch(
      /cannot download \(offline or unreachable: ECONNREFUSED\); expected a reachable URL/,
    );
  });

  it('validates timeoutMs', async () => {
    await expect(
      downloadFile(`${base}/file`, join(dir, 't.bin'), { timeoutMs: 0 }),
    ).rejects.toThrow(/timeoutMs: out of range/);
  });
});
