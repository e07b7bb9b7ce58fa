"""Reference CMA-ES generations for src/cma-es.test.ts, from the `cmaes` library (CyberAgent,
the one Optuna uses; Debian python3-cmaes 0.9.1). Run: /usr/bin/python3 scripts/cma-fixture.py
It asks points from cmaes, evaluates a rotated ellipsoid, tells them back, and records every
generation's points and the distribution after the update, so the TypeScript update can be fed
the same points and compared."""
import json
import os

import numpy as np
from cmaes import CMA


def ellipsoid(x, R):
    z = R @ x
    return float(sum(10 ** (3 * i / max(1, len(z) - 1)) * v * v for i, v in enumerate(z)))


cases = []
for n, seed, generations in [(2, 1, 6), (5, 2, 6), (3, 3, 4)]:
    rng = np.random.RandomState(100 + seed)
    R, _ = np.linalg.qr(rng.randn(n, n))
    mean = rng.uniform(-1, 1, n)
    popsize = None if n != 3 else 12
    opt = CMA(mean=mean.copy(), sigma=0.5, seed=seed, population_size=popsize)
    case = {
        "n": n,
        "mean0": mean.tolist(),
        "sigma0": 0.5,
        "lambda": opt.population_size,
        "params": {
            "mu": opt._mu, "muEff": opt._mu_eff, "cSigma": opt._c_sigma, "dSigma": opt._d_sigma,
            "cc": opt._cc, "c1": opt._c1, "cMu": opt._cmu, "chiN": opt._chi_n,
            "weights": opt._weights.tolist(),
        },
        "generations": [],
    }
    for g in range(generations):
        xs = [opt.ask() for _ in range(opt.population_size)]
        sols = [(x, ellipsoid(x, R)) for x in xs]
        sols_sorted = sorted(sols, key=lambda s: s[1])
        opt.tell(sols)
        case["generations"].append({
            "xsSorted": [s[0].tolist() for s in sols_sorted],
            "mean": opt._mean.tolist(), "sigma": float(opt._sigma), "C": opt._C.tolist(),
            "pSigma": opt._p_sigma.tolist(), "pc": opt._pc.tolist(),
        })
    cases.append(case)

out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "cma-generations.json")
with open(out, "w") as f:
    json.dump({"source": "cmaes 0.9.1 (python3-cmaes)", "cases": cases}, f)
print("wrote", out)


# Convergence references on closed-form problems: the rate on the sphere and the generations the
# rotated ellipsoid (condition 1e4) needs to reach f < 1e-10, over 10 seeds, same start as the test.
def sphere_rate(seed, n=5, generations=150):
    opt = CMA(mean=np.full(n, 3.0), sigma=1.0, seed=seed)
    best = []
    for _ in range(generations):
        sols = [(x, float(x @ x)) for x in (opt.ask() for _ in range(opt.population_size))]
        best.append(min(s[1] for s in sols))
        opt.tell(sols)
    return (np.log10(best[30]) - np.log10(best[120])) / 90


def ellipsoid_generations(seed, n=4):
    rng = np.random.RandomState(7)
    R, _ = np.linalg.qr(rng.randn(n, n))
    H = R.T @ np.diag([10 ** (4 * i / (n - 1)) for i in range(n)]) @ R
    opt = CMA(mean=np.full(n, 3.0), sigma=1.0, seed=seed)
    for g in range(2000):
        sols = [(x, float(x @ H @ x)) for x in (opt.ask() for _ in range(opt.population_size))]
        opt.tell(sols)
        if float(opt._mean @ H @ opt._mean) < 1e-10:
            return g + 1
    return 2000


rates = [sphere_rate(s) for s in range(10)]
gens = [ellipsoid_generations(s) for s in range(10)]
ref = {
    "sphereRate": {"n": 5, "median": float(np.median(rates)), "min": float(min(rates)), "max": float(max(rates))},
    "ellipsoidGenerations": {"n": 4, "median": float(np.median(gens)), "min": int(min(gens)), "max": int(max(gens))},
}
out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "cma-convergence.json")
with open(out, "w") as f:
    json.dump({"source": "cmaes 0.9.1 (python3-cmaes)", **ref}, f, indent=1)
print("wrote", out, ref)
