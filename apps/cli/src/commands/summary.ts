import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { architecture, formatSummary, summary } from '@trainkit/architectures';
import { loadModelFromPath } from '@trainkit/transfer/node';
import type { Parsed } from '../args';
import { startBackend } from '../runtime';
import { UsageError } from '../usage-error';
import { ARCHITECTURES } from './specs';

export async function summaryCommand(parsed: Parsed, log: (s: string) => void): Promise<number> {
  const what = parsed.positionals[0] as string;
  await startBackend('cpu', () => undefined);
  let model: tfl.LayersModel;
  if ((ARCHITECTURES as readonly string[]).includes(what)) {
    // Zero kernels build big nets fast; the counts do not depend on the values.
    const options = {
      kernelInitializer: 'zeros',
      ...((parsed.options.archOptions as object) ?? {}),
    };
    model = architecture(what as 'lenet5', options as object).build();
  } else if (existsSync(what)) {
    // A run folder holds its model in model/.
    const inRun = join(what, 'model', 'model.json');
    model = await loadModelFromPath(existsSync(inRun) ? inRun : what);
  } else {
    throw new UsageError(
      `'${what}' is neither a builder (${ARCHITECTURES.join(', ')}) nor an existing model path`,
    );
  }
  try {
    const s = summary(model);
    log(parsed.options.json ? JSON.stringify(s, null, 2) : formatSummary(s));
  } finally {
    model.dispose();
  }
  return 0;
}
