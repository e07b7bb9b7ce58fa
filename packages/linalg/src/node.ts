// @trainkit/linalg/node: the worker-thread engine (Node only). The browser path never imports this file.
export { WorkerPool, type WorkerPoolOptions } from './worker-pool-node';
