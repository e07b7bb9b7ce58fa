// The browser image folder (createImageBitmap + OffscreenCanvas) in headless Chromium, on the
// fixture photos, against Pillow's pixels (scripts/make_image_fixtures.py).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumPath, runInChromium } from '@trainkit/test-utils';
import { describe, expect, it } from 'vitest';

const CHROMIUM = chromiumPath();
if (!CHROMIUM)
  console.log('skipping the data browser test: no chromium (apt-get install chromium)');

const FIXTURES = fileURLToPath(new URL('../../fixtures/images', import.meta.url));
const SRC = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
// Opaque images only: a canvas keeps colours premultiplied by alpha, so transparent pixels do
// not come back as Pillow's convert('RGB') leaves them (see the README).
const FILES = ['cat/a.jpg', 'cat/b.png', 'dog/d.webp', 'dog/e.jpeg'];

interface Result {
  classNames: string[];
  labels: number[];
  pixels: number[][];
  grey: number[];
  tenCrop: { shape: number[]; mirroredMatches: boolean };
  fromUrls: number[];
  corrupt: string;
}

function entry(): string {
  const files = Object.fromEntries(
    FILES.map((f) => [f, readFileSync(join(FIXTURES, 'photos', f)).toString('base64')]),
  );
  return `
import { imageFolderFromFiles, imageFolderFromUrls, resizeImage, tenCrop } from ${JSON.stringify(SRC)};
const FILES = ${JSON.stringify(files)};
const SIZES = ${JSON.stringify(
    FILES.map((f) => {
      const r = JSON.parse(readFileSync(join(FIXTURES, 'reference.json'), 'utf8')).images[f];
      return [r.height, r.width];
    }),
  )};
const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
globalThis.runImageFolderTest = async () => {
  const files = Object.entries(FILES).map(([name, b64]) => {
    const f = new File([bytes(b64)], name.split('/')[1]);
    Object.defineProperty(f, 'webkitRelativePath', { value: 'photos/' + name });
    return f;
  });
  files.push(new File(['not an image'], 'notes.txt'));
  const folder = imageFolderFromFiles(files);
  const pixels = [];
  for (let i = 0; i < folder.size; i++) {
    pixels.push(Array.from((await folder.decode(i, resizeImage({ size: SIZES[i] })))[0]));
  }
  const grey = imageFolderFromFiles(files, { channels: 1 });
  const g = Array.from((await grey.decode(1, resizeImage({ size: SIZES[1] })))[0]);
  const views = await folder.decode(0, tenCrop({ resize: 40, crop: 32 }));
  // view 5 is the mirror of view 1 (torchvision's order)
  let mirroredMatches = true;
  for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) for (let c = 0; c < 3; c++) {
    if (views[5][(y * 32 + x) * 3 + c] !== views[1][(y * 32 + 31 - x) * 3 + c]) mirroredMatches = false;
  }
  const url = URL.createObjectURL(files[3]);
  const byUrl = imageFolderFromUrls([{ url, className: 'dog' }]);
  const fromUrls = Array.from((await byUrl.decode(0, resizeImage({ size: SIZES[3] })))[0]);
  const broken = imageFolderFromFiles([Object.defineProperty(new File(['xx'], 'bad.jpg'), 'webkitRelativePath', { value: 'p/cat/bad.jpg' })]);
  const corrupt = await broken.decode(0).then(() => 'no error', (e) => e.message);
  return { classNames: [...folder.classNames], labels: Array.from(folder.labels), pixels, grey: g,
    tenCrop: { shape: [views.length, views[0].length], mirroredMatches }, fromUrls, corrupt };
};
`;
}

describe.skipIf(!CHROMIUM)('image folders in headless Chromium', () => {
  it('decodes picked files and URLs as Pillow does, with the same recipes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainkit-data-browser-'));
    try {
      const file = join(dir, 'entry.ts');
      writeFileSync(file, entry());
      const r = await runInChromium<Result>(file, 'runImageFolderTest');
      const ref = JSON.parse(readFileSync(join(FIXTURES, 'reference.json'), 'utf8')).images;
      expect(r.classNames).toEqual(['cat', 'dog']);
      expect(r.labels).toEqual([0, 0, 1, 1]);
      FILES.forEach((f, i) => {
        const want = Buffer.from(ref[f].rgb, 'base64');
        let max = 0;
        for (let k = 0; k < want.length; k++)
          max = Math.max(max, Math.abs(want[k]! - r.pixels[i]![k]!));
        // PNG / lossless WebP exact; JPEG within the IDCT rounding of two decoders
        expect(max).toBeLessThanOrEqual(f.endsWith('.png') || f.endsWith('.webp') ? 0 : 3);
      });
      expect(r.grey).toEqual(Array.from(Buffer.from(ref['cat/b.png'].grey, 'base64')));
      expect(r.tenCrop).toEqual({ shape: [10, 32 * 32 * 3], mirroredMatches: true });
      expect(r.fromUrls).toEqual(r.pixels[3]);
      expect(r.corrupt).toMatch(/bad\.jpg: cannot decode the image/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
