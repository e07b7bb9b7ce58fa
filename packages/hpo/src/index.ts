// @trainkit/hpo: Hyper-parameter search: grid, random, TPE, CMA-ES/evolutionary samplers, pruners, resumable studies.
export {};
