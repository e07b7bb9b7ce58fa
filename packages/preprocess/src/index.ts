// @trainkit/preprocess: Zero-centering, standardization, PCA and PCA/ZCA whitening, fitted once and streamed over batches.
export {};
