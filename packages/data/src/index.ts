// @trainkit/data: Datasets: IDX / CIFAR-10 binary / CSV readers, seeded shuffle, split, batching, and a small embedded default dataset.
export {};
