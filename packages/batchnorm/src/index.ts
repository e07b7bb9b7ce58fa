// @trainkit/batchnorm: Batch normalization layer with correct freezing for fine-tuning, statistics re-estimation and folding.
export {};
