"""PyTorch reference for bench/run.ts: the same LeNet-5 and small ResNet, SGD, batch 64.

Protocol (so run.ts can interleave PyTorch and tfjs in one run): reads lines
`<model> <steps>` on stdin, answers one JSON line per request with the wall time of each
training step in ms. Prints `{"ready": ...}` first. Run with Debian's python3-torch:
  OMP_PROC_BIND=true OMP_PLACES=cores /usr/bin/python3 apps/cli/python/torch_bench.py
"""
import json
import sys
import time

import torch
from torch import nn

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
torch.manual_seed(0)


def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )


def conv_bn(relu):
    layers = [nn.Conv2d(32, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32)]
    return nn.Sequential(*layers, nn.ReLU()) if relu else nn.Sequential(*layers)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(conv_bn(True), conv_bn(False))

    def forward(self, x):
        return torch.relu(x + self.body(x))


def small_resnet():
    return nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
        Block(), Block(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10),
    )


MODELS = {'lenet': (lenet5, (64, 1, 28, 28)), 'resnet': (small_resnet, (64, 3, 32, 32))}
state = {}


def setup(name):
    if name not in state:
        build, shape = MODELS[name]
        model = build()
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        x = torch.randn(*shape)
        y = torch.randint(0, 10, (shape[0],))
        state[name] = (model, opt, x, y)
    return state[name]


def step(model, opt, x, y):
    opt.zero_grad(set_to_none=True)
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    return loss.item()


print(json.dumps({'ready': True, 'torch': torch.__version__, 'threads': torch.get_num_threads()}),
      flush=True)
for line in sys.stdin:
    parts = line.split()
    if not parts:
        continue
    name, steps = parts[0], int(parts[1])
    model, opt, x, y = setup(name)
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step(model, opt, x, y)
        times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({'model': name, 'ms': times}), flush=True)
