// @trainkit/transfer: Load, cut, freeze and re-head pretrained networks; CNN codes; fine-tuning; the four-case advisor.
export {};
