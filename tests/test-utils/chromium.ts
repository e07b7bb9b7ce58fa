import { existsSync } from 'node:fs';

/**
 * Debian's chromium, which the browser tests drive through playwright-core
 * (`$CHROMIUM_PATH` overrides); `undefined` when absent, and those tests skip saying so.
 */
export function chromiumPath(): string | undefined {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  return existsSync(path) ? path : undefined;
}

/**
 * Launch arguments for headless Chromium here and in CI: no sandbox (root in a VM), no network
 * chatter of its own, SwiftShader for WebGL; `webgpu` also turns on WebGPU (on SwiftShader
 * where there is no GPU).
 */
export function chromiumArgs(options: { webgpu?: boolean } = {}): string[] {
  return [
    '--no-sandbox',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--enable-unsafe-swiftshader',
    ...(options.webgpu ? ['--enable-unsafe-webgpu'] : []),
  ];
}
