// Node-only: what each data-parallel worker of `fit` runs to build its replica (its own tfjs
// engine in a worker thread): the model from its topology JSON, the loss from its JSON. Started
// by file name from data-parallel-fit.ts (a build entry of its own).
import * as tfl from '@tensorflow/tfjs-layers';
import type { Serialized } from '@trainkit/core';
import type { Loss } from './losses/loss';
import { lossFromJSON } from './registry';

/** What `fit` sends each worker once. */
export interface ReplicaArgs {
  /** `model.toJSON(null, false)`: the topology, no weights (they are shared every step). */
  topology: object;
  loss: Serialized;
}

/** Builds one replica: the same architecture (its weights arrive each step) and loss. */
export async function buildReplica(
  args: ReplicaArgs,
): Promise<{ model: tfl.LayersModel; loss: Loss }> {
  const model = await tfl.models.modelFromJSON({ modelTopology: args.topology } as never);
  return { model, loss: lossFromJSON(args.loss) };
}
