// @trainkit/init: Weight initializers (Xavier, He, LeCun, orthogonal, LSUV...) and a per-layer activation statistics probe.
export {};
