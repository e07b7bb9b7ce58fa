// @trainkit/train: The training loop: losses, metrics, validation, events lending gradients and updates, checkpoints.
export {};
