import { copyFileSync, createReadStream, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

const require = createRequire(import.meta.url);
const dataAssets = join(dirname(require.resolve('@trainkit/data/package.json')), 'assets');
const wasmDist = dirname(
  require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'),
);

// Static files the app fetches at run time, by their URL path under the site's base.
const STATIC: Record<string, string> = {};
for (const part of ['train', 'test'])
  for (const kind of ['images-idx3', 'labels-idx1']) {
    const name = `fashion-mnist-${part}-${kind}-ubyte.gz`;
    STATIC[`data/${name}`] = join(dataAssets, name);
  }
for (const name of [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
])
  STATIC[`wasm/${name}`] = join(wasmDist, name);

/**
 * Serves the embedded Fashion-MNIST subset (from @trainkit/data's assets) and tfjs' wasm binaries
 * in dev, and copies them into the built site, so the site needs nothing but a static server.
 */
function staticAssets(): Plugin {
  let outDir = 'dist';
  return {
    name: 'trainkit-demo-static-assets',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0]!.replace(/^\//, '');
        const file = STATIC[path];
        if (!file) return next();
        res.setHeader(
          'content-type',
          path.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream',
        );
        createReadStream(file).pipe(res);
      });
    },
    closeBundle() {
      for (const [path, file] of Object.entries(STATIC)) {
        if (!existsSync(file)) throw new Error(`missing static asset ${file}`);
        const dest = join(outDir, path);
        mkdirSync(dirname(dest), { recursive: true });
        copyFileSync(file, dest);
      }
    },
  };
}

export default defineConfig({
  // Relative base: the built site works from any folder of any static file server.
  base: './',
  resolve: { conditions: ['@trainkit/source', ...defaultClientConditions] },
  plugins: [staticAssets()],
  worker: {
    format: 'es',
    // @trainkit/backend's Node-only WebGPU setup imports `webgpu` lazily; never reached in a browser.
    rollupOptions: { external: ['webgpu'] },
  },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 6000,
    rollupOptions: { external: ['webgpu'] },
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
