// Entry of a worker process started by `runWorkers`: receives its config over IPC, opens the
// shared storage, imports the objective module and runs trials until the study is full.
import { createStudy, type Objective } from './index';
import { JournalFileStorage } from './journal-storage';
import { PostgresStorage } from './postgres-storage';
import { prunerFromJSON, samplerFromJSON } from './registry';
import type { Storage, StorageSpec } from './storage';
import type { WorkerConfig } from './workers';

function openStorage(spec: StorageSpec): Storage {
  if (spec.kind === 'journal') return new JournalFileStorage(spec.path, spec.options ?? {});
  return new PostgresStorage(spec.connection as string, spec.options ?? {});
}

async function main(config: WorkerConfig): Promise<void> {
  const storage = openStorage(config.storage);
  const mod = (await import(config.module)) as Record<string, unknown>;
  const objective = (mod[config.exportName] ??
    (mod.default as Record<string, unknown> | undefined)?.[config.exportName]) as
    | Objective
    | undefined;
  if (typeof objective !== 'function')
    throw new Error(`${config.module} does not export a function "${config.exportName}"`);
  const study = await createStudy({
    name: config.studyName,
    storage,
    seed: config.seed,
    ...(config.sampler ? { sampler: samplerFromJSON(config.sampler) } : {}),
    ...(config.pruner ? { pruner: prunerFromJSON(config.pruner) } : {}),
    ...(config.directions ? { directions: config.directions } : {}),
  });
  let trials = 0;
  const options: Parameters<typeof study.optimize>[1] = {
    maxTrials: config.maxTrials,
    callback: () => {
      trials++;
      process.send?.({ trials });
    },
  };
  if (config.timeout !== undefined) options.timeout = config.timeout;
  if (config.catchErrors !== undefined) options.catchErrors = config.catchErrors;
  await study.optimize(objective, options);
  if (storage instanceof PostgresStorage) await storage.close();
}

process.once('message', (config: WorkerConfig) => {
  // Exit explicitly: the objective module may hold handles (backends, timers) that keep a
  // process alive; every write to the storage has been awaited by now.
  main(config).then(
    () => process.send?.({ done: true }, () => process.exit(0)) ?? process.exit(0),
    (e) => {
      process.send?.({ error: String((e as Error)?.stack ?? e) }, () => process.exit(1));
    },
  );
});
process.send?.({ ready: true });
