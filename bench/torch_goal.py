"""PyTorch twin of bench/goal-rows.ts: ResNet-18 and VGG-16 (ImageNet, 224x224) forward passes.

Both written in plain torch.nn (torchvision is not installed here), layer for layer torchvision
0.14's resnet18 / vgg16; their parameter counts are checked at start against
packages/architectures/fixtures/torchvision-params.json (the fixture that also proves trainkit's
@trainkit/architectures builders equal to torchvision), so the two sides run the same networks.
Protocol: reads `<model> <batch> <reps>` lines, answers one JSON line with the wall ms of each
forward (eval mode, no_grad). First line: {"ready": ..., "params": {...}}.
  OMP_PROC_BIND=true OMP_PLACES=cores /usr/bin/python3 bench/torch_goal.py [threads]
"""
import json
import os
import sys
import time

import torch
from torch import nn

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
torch.manual_seed(0)


class Basic(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return torch.relu(y + (x if self.down is None else self.down(x)))


def resnet18():
    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
        layers += [Basic(cin, cout, stride), Basic(cout, cout, 1)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 1000)]
    return nn.Sequential(*layers)


def vgg16():
    layers, cin = [], 3
    for v in [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M']:
        if v == 'M':
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers += [nn.Conv2d(cin, v, 3, padding=1), nn.ReLU()]
            cin = v
    layers += [nn.AdaptiveAvgPool2d(7), nn.Flatten(), nn.Linear(512 * 7 * 7, 4096), nn.ReLU(), nn.Dropout(),
               nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(), nn.Linear(4096, 1000)]
    return nn.Sequential(*layers)


BUILD = {'resnet18': resnet18, 'vgg16': vgg16}
fixture = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'packages',
                                      'architectures', 'fixtures', 'torchvision-params.json')))['models']
models = {}
params = {}
for name, build in BUILD.items():
    m = build().eval()
    n = sum(p.numel() for p in m.parameters())
    buffers = sum(b.numel() for k, b in m.named_buffers() if not k.endswith('num_batches_tracked'))
    if n != fixture[name]['params'] or buffers != fixture[name]['buffers']:
        raise SystemExit(f'{name}: {n} params / {buffers} buffers, torchvision has {fixture[name]}')
    models[name] = m
    params[name] = n
print(json.dumps({'ready': True, 'torch': torch.__version__, 'threads': torch.get_num_threads(),
                  'params': params}), flush=True)
for line in sys.stdin:
    parts = line.split()
    if not parts:
        continue
    name, batch, reps = parts[0], int(parts[1]), int(parts[2])
    x = torch.randn(batch, 3, 224, 224)
    times = []
    with torch.no_grad():
        for _ in range(reps):
            t0 = time.perf_counter()
            models[name](x)
            times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({'model': name, 'ms': times}), flush=True)
