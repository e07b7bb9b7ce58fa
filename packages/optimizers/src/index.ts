// @trainkit/optimizers: Composable gradient transformations (SGD, momentum, Nesterov, Adagrad, RMSProp, Adam/AdamW, L-BFGS, Newton) and learning-rate schedules.
export {};
