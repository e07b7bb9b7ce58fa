#!/usr/bin/python3
"""Reference values for @trainkit/optimizers from PyTorch (Debian python3-torch 1.13).

Run: /usr/bin/python3 packages/optimizers/scripts/make_fixtures.py
Writes packages/optimizers/fixtures/torch-optimizers.json.
"""
import json
import math
import os

import torch

torch.set_default_dtype(torch.float64)  # references in float64; the tests allow 1e-5 relative

STEPS = 5
P0 = {
    "dense/kernel": [[0.5, -0.3, 0.8], [-1.2, 0.05, 0.4]],
    "dense/bias": [0.1, -0.2, 0.3],
}


def grads_at(t):
    """A fixed, non-trivial gradient sequence (signs change, magnitudes vary)."""
    out = {}
    for j, (name, v) in enumerate(P0.items()):
        x = torch.tensor(v)
        idx = torch.arange(x.numel(), dtype=torch.float64).reshape(x.shape)
        out[name] = (torch.sin(idx * 1.3 + t * 0.7 + j) * (1.0 + 0.5 * t) + 0.1 * x).tolist()
    return out


def run(make_opt):
    params = {k: torch.tensor(v, requires_grad=True) for k, v in P0.items()}
    opt = make_opt(list(params.values()))
    traj = []
    for t in range(STEPS):
        g = grads_at(t)
        for k, p in params.items():
            p.grad = torch.tensor(g[k])
        opt.step()
        traj.append({k: p.detach().tolist() for k, p in params.items()})
    return traj


O = torch.optim
CASES = {
    "sgd": (dict(learningRate=0.1), lambda ps: O.SGD(ps, lr=0.1)),
    "sgdMomentum": (dict(learningRate=0.1, momentum=0.9), lambda ps: O.SGD(ps, lr=0.1, momentum=0.9)),
    "sgdNesterov": (
        dict(learningRate=0.1, momentum=0.9, nesterov=True),
        lambda ps: O.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
    ),
    "sgdDampening": (
        dict(learningRate=0.1, momentum=0.8, dampening=0.3),
        lambda ps: O.SGD(ps, lr=0.1, momentum=0.8, dampening=0.3),
    ),
    "sgdWeightDecay": (
        dict(learningRate=0.1, momentum=0.9, weightDecay=0.05),
        lambda ps: O.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.05),
    ),
    "adagrad": (
        dict(learningRate=0.1, lrDecay=0.01, initialAccumulatorValue=0.1, epsilon=1e-10),
        lambda ps: O.Adagrad(ps, lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1, eps=1e-10),
    ),
    "adagradWeightDecay": (
        dict(learningRate=0.1, weightDecay=0.05),
        lambda ps: O.Adagrad(ps, lr=0.1, weight_decay=0.05),
    ),
    "rmspropWeightDecay": (
        dict(learningRate=0.01, weightDecay=0.05, momentum=0.5),
        lambda ps: O.RMSprop(ps, lr=0.01, weight_decay=0.05, momentum=0.5),
    ),
    "rmsprop": (dict(learningRate=0.01, alpha=0.9, epsilon=1e-8), lambda ps: O.RMSprop(ps, lr=0.01, alpha=0.9, eps=1e-8)),
    "rmspropCentered": (
        dict(learningRate=0.01, alpha=0.9, epsilon=1e-8, centered=True),
        lambda ps: O.RMSprop(ps, lr=0.01, alpha=0.9, eps=1e-8, centered=True),
    ),
    "rmspropMomentum": (
        dict(learningRate=0.01, alpha=0.9, epsilon=1e-8, momentum=0.8, centered=True),
        lambda ps: O.RMSprop(ps, lr=0.01, alpha=0.9, eps=1e-8, momentum=0.8, centered=True),
    ),
    "adam": (dict(learningRate=0.05), lambda ps: O.Adam(ps, lr=0.05)),
    "adamL2": (dict(learningRate=0.05, weightDecay=0.1), lambda ps: O.Adam(ps, lr=0.05, weight_decay=0.1)),
    "amsgrad": (
        dict(learningRate=0.05, beta1=0.8, beta2=0.9, amsgrad=True),
        lambda ps: O.Adam(ps, lr=0.05, betas=(0.8, 0.9), amsgrad=True),
    ),
    "adamw": (dict(learningRate=0.05, weightDecay=0.1), lambda ps: O.AdamW(ps, lr=0.05, weight_decay=0.1)),
}

# Adagrad's state_sum starts at initial_accumulator_value; lr_decay uses the 1-based step.
optimizers = {name: {"options": opts, "trajectory": run(make)} for name, (opts, make) in CASES.items()}


# ---- L-BFGS on fixed functions ----
def rosenbrock(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


A = torch.tensor([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])
B = torch.tensor([1.0, -2.0, 0.5])


def quadratic(x):
    a, b = A.to(x.dtype), B.to(x.dtype)
    return 0.5 * x @ a @ x - b @ x


M = torch.tensor([[1.0, -2.0, 0.5], [0.3, 1.0, -1.0], [-1.5, 0.2, 2.0], [0.7, 0.7, 0.7]])
C = torch.tensor([0.5, -1.0, 0.2, 1.0])


def softplus_objective(x):
    """A smooth convex non-quadratic function: sum softplus(M x - c) + 0.1 |x|^2."""
    m, c = M.to(x.dtype), C.to(x.dtype)
    return torch.nn.functional.softplus(m @ x - c).sum() + 0.1 * (x * x).sum()


def lbfgs_case(fn, x0, steps, **kw):
    # float32 like the tfjs closure: L-BFGS's loss-based decisions depend on the loss's precision.
    x = torch.tensor(x0, dtype=torch.float32, requires_grad=True)
    opt = O.LBFGS([x], **kw)
    evals = [0]

    def closure():
        opt.zero_grad()
        loss = fn(x)
        loss.backward()
        evals[0] += 1
        return loss

    traj = []
    for _ in range(steps):
        opt.step(closure)
        traj.append({"x": x.detach().tolist(), "loss": float(fn(x)), "evals": evals[0]})
    return traj


lbfgs = {
    "quadratic": dict(
        x0=[0.0, 0.0, 0.0],
        options=dict(learningRate=1, historySize=5, maxIter=4, lineSearch="none"),
        trajectory=lbfgs_case(quadratic, [0.0, 0.0, 0.0], 3, lr=1, history_size=5, max_iter=4),
    ),
    "rosenbrock": dict(
        x0=[-1.2, 1.0],
        options=dict(learningRate=0.1, historySize=10, maxIter=5, lineSearch="none"),
        trajectory=lbfgs_case(rosenbrock, [-1.2, 1.0], 4, lr=0.1, history_size=10, max_iter=5),
    ),
    "quadraticWolfe": dict(
        x0=[0.0, 0.0, 0.0],
        options=dict(learningRate=1, historySize=5, maxIter=3, lineSearch="strong-wolfe"),
        trajectory=lbfgs_case(quadratic, [0.0, 0.0, 0.0], 2, lr=1, history_size=5, max_iter=3,
                              line_search_fn="strong_wolfe"),
    ),
    "softplusWolfe": dict(
        x0=[0.5, -0.5, 1.0],
        options=dict(learningRate=1, historySize=3, maxIter=4, lineSearch="strong-wolfe"),
        trajectory=lbfgs_case(softplus_objective, [0.5, -0.5, 1.0], 3, lr=1, history_size=3, max_iter=4,
                              line_search_fn="strong_wolfe"),
    ),
    "rosenbrockWolfe": dict(
        x0=[-1.2, 1.0],
        options=dict(learningRate=1, historySize=10, maxIter=10, lineSearch="strong-wolfe"),
        trajectory=lbfgs_case(
            rosenbrock, [-1.2, 1.0], 4, lr=1, history_size=10, max_iter=10, line_search_fn="strong_wolfe"
        ),
    ),
}
quadratic_solution = torch.linalg.solve(A, B).tolist()


# ---- schedules ----
def sched_values(make, n, base=0.1, metrics=None):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = O.SGD([p], lr=base)
    s = make(opt)
    out = []
    for t in range(n):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        if metrics is None:
            s.step()
        else:
            s.step(metrics[t])
    return out


S = O.lr_scheduler
plateau_metrics = [1.0, 0.9, 0.95, 0.91, 0.92, 0.93, 0.89, 0.9, 0.9, 0.9, 0.9, 0.9, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]
schedules = {
    "stepLR": dict(
        options=dict(initialValue=0.1, stepSize=3, gamma=0.5),
        values=sched_values(lambda o: S.StepLR(o, step_size=3, gamma=0.5), 12),
    ),
    "exponentialLR": dict(
        options=dict(initialValue=0.1, decayRate=0.9, decaySteps=1),
        values=sched_values(lambda o: S.ExponentialLR(o, gamma=0.9), 12),
    ),
    "cosineAnnealingLR": dict(
        options=dict(initialValue=0.1, decaySteps=10, minValue=0.001),
        values=sched_values(lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001), 11),
    ),
    "cosineWarmRestarts": dict(
        options=dict(initialValue=0.1, decaySteps=4, minValue=0.001, restarts=True, periodMultiplier=2),
        values=sched_values(lambda o: S.CosineAnnealingWarmRestarts(o, T_0=4, T_mult=2, eta_min=0.001), 30),
    ),
    "oneCycleLR": dict(
        options=dict(maxValue=0.1, totalSteps=20, pctStart=0.3, divFactor=25, finalDivFactor=1e4),
        values=sched_values(
            lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=20, pct_start=0.3, anneal_strategy="cos",
                                   div_factor=25, final_div_factor=1e4, cycle_momentum=False),
            20,
        ),
    ),
    "reduceLROnPlateau": dict(
        options=dict(initialValue=0.1, factor=0.5, patience=2, threshold=0.01, mode="min", cooldown=1, minLr=0.02),
        metrics=plateau_metrics,
        values=sched_values(
            lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=2, threshold=0.01, mode="min", cooldown=1, min_lr=0.02),
            len(plateau_metrics),
            metrics=plateau_metrics,
        ),
    ),
}

# ---- logistic regression (reference minimiser for newton) from scikit-learn ----
import numpy as np  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

idx = np.arange(24, dtype=np.float64)
LX = np.stack([np.sin(idx * 0.9), np.cos(idx * 0.4) * 1.5, np.sin(idx * 0.23 + 1.0)], axis=1)
LY = (LX @ np.array([1.0, -2.0, 0.5]) + 0.8 * np.sin(idx * 2.1) > 0).astype(np.float64)
C_REG = 2.0
# sklearn minimises C * sum(logloss) + 0.5 |w|^2, i.e. mean(logloss) + |w|^2 / (2 C N).
clf = LogisticRegression(C=C_REG, fit_intercept=False, tol=1e-12, max_iter=10000).fit(LX, LY)
logistic = dict(X=LX.tolist(), y=LY.tolist(), C=C_REG, w=clf.coef_[0].tolist())

out = dict(
    generator="scripts/make_fixtures.py",
    torch=torch.__version__,
    params=P0,
    grads=[grads_at(t) for t in range(STEPS)],
    optimizers=optimizers,
    lbfgs=lbfgs,
    quadratic=dict(A=A.tolist(), b=B.tolist(), solution=quadratic_solution),
    softplus=dict(M=M.tolist(), c=C.tolist()),
    logistic=logistic,
    schedules=schedules,
)
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "torch-optimizers.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", os.path.normpath(path))
