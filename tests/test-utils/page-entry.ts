// A browser entry for the serveBrowserBundle test (bundled, never run in Node).
import { marker } from './page-dep';

(globalThis as unknown as { ok: string }).ok = marker;
