// A browser entry for the serveBrowserBundle test (bundled, never run in Node).
import { assertNumber } from '../src/validate';

(globalThis as unknown as { ok: number }).ok = assertNumber('x', 3);
