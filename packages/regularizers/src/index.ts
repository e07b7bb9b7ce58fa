// @trainkit/regularizers: L1/L2/elastic-net penalties, max-norm constraints, dropout, data augmentation, early stopping.
export {};
