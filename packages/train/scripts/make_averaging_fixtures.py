#!/usr/bin/python3
"""Reference values for weight averaging in @trainkit/train and @trainkit/optimizers' swaSchedule,
from PyTorch's torch.optim.swa_utils (Debian python3-torch 1.13): SWALR learning rates and
AveragedModel averages (equal-weight SWA and an EMA avg_fn) over a full-batch SGD run.

Run: /usr/bin/python3 packages/train/scripts/make_averaging_fixtures.py
Writes packages/train/fixtures/averaging.json (read by src/averaging/torch-parity.test.ts) and
the learning rates alone to packages/optimizers/fixtures/swalr.json (src/schedules/swa-schedule.test.ts).
"""
import json
import math
import os

import torch
from torch.optim.swa_utils import SWALR, AveragedModel

torch.set_default_dtype(torch.float64)

EPOCHS = 12
SWA_START = 5  # the documented loop: average and step SWALR for epoch > SWA_START
X = [[math.sin(1.7 * i + j) for j in range(3)] for i in range(8)]
Y = [[math.cos(0.9 * i), math.sin(0.4 * i + 1)] for i in range(8)]
W0 = [[0.2, -0.1], [0.05, 0.3], [-0.25, 0.15]]
B0 = [0.1, -0.05]
EMA_DECAY = 0.8


def run(base, swa_lr, anneal_epochs, strategy):
    """The loop of the torch.optim.swa_utils docs, one full-batch step per epoch."""
    lin = torch.nn.Linear(3, 2)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor(W0).T)  # trainkit's kernel is [in, out]
        lin.bias.copy_(torch.tensor(B0))
    opt = torch.optim.SGD(lin.parameters(), lr=0.1, momentum=0.9)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS) if base == "cosine" else None
    # SWALR is created when the SWA phase begins: created before training (as in the docs),
    # PyTorch 1.13 with anneal_epochs=0 switches to swa_lr at construction, i.e. from epoch 0.
    swa_sched = None
    swa = AveragedModel(lin)
    ema = AveragedModel(lin, avg_fn=lambda a, p, n: EMA_DECAY * a + (1 - EMA_DECAY) * p)
    x, y = torch.tensor(X), torch.tensor(Y)
    lrs = []
    for epoch in range(EPOCHS):
        lrs.append(opt.param_groups[0]["lr"])
        opt.zero_grad()
        torch.nn.functional.mse_loss(lin(x), y).backward()
        opt.step()
        ema.update_parameters(lin)
        if epoch > SWA_START:
            swa.update_parameters(lin)
            swa_sched.step()
        elif sched is not None:
            sched.step()
        if epoch == SWA_START:
            swa_sched = SWALR(opt, swa_lr=swa_lr, anneal_epochs=anneal_epochs, anneal_strategy=strategy)

    def params(m):
        return {"dense/kernel": m.weight.detach().T.tolist(), "dense/bias": m.bias.detach().tolist()}

    return {
        "base": base,
        "swaLearningRate": swa_lr,
        "annealEpochs": anneal_epochs,
        "annealStrategy": strategy,
        "lrs": lrs,
        "final": params(lin),
        "swa": params(swa.module),
        "swaCount": int(swa.n_averaged),
        "ema": params(ema.module),
    }


out = {
    "epochs": EPOCHS,
    "swaStartEpoch": SWA_START + 1,
    "emaDecay": EMA_DECAY,
    "x": X,
    "y": Y,
    "w0": W0,
    "b0": B0,
    "runs": [
        run("constant", 0.02, 3, "cos"),
        run("constant", 0.02, 3, "linear"),
        run("constant", 0.03, 0, "cos"),
        run("cosine", 0.02, 2, "cos"),
    ],
}


def write(path, obj):
    with open(path + ".tmp", "w") as f:
        json.dump(obj, f, indent=1)
    os.replace(path + ".tmp", path)
    print("wrote", os.path.normpath(path))


here = os.path.dirname(os.path.abspath(__file__))
write(os.path.join(here, "..", "fixtures", "averaging.json"), out)
lr_keys = ["base", "swaLearningRate", "annealEpochs", "annealStrategy", "lrs"]
write(
    os.path.join(here, "..", "..", "optimizers", "fixtures", "swalr.json"),
    {
        "epochs": EPOCHS,
        "swaStartEpoch": SWA_START + 1,
        "baseLearningRate": 0.1,
        "runs": [{k: r[k] for k in lr_keys} for r in out["runs"]],
    },
)
