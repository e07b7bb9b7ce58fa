// @trainkit/monitors: Training probes (loss, accuracy, update/weight ratios, histograms, filters), sinks and automatic diagnosis.
export {};
