"""Reference parameter counts from torchvision 0.14 (Debian python3-torchvision).

Run: /usr/bin/python3 packages/architectures/scripts/make_fixtures.py
Writes fixtures/torchvision-params.json. PyTorch counts BatchNorm gamma/beta as parameters and the
running mean/var as buffers, so `params` here corresponds to tfjs *trainable* weights; `buffers`
counts running stats (num_batches_tracked, an int64 counter, is excluded).

The CIFAR ResNets (He et al. 2016, sec. 4.2) are not in torchvision; they are written here
independently (option A: parameter-free shortcuts, option B: 1x1 projections where shapes change).
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torchvision
import torchvision.models as m


def counts(model):
    params = sum(p.numel() for p in model.parameters())
    buffers = sum(b.numel() for n, b in model.named_buffers() if not n.endswith('num_batches_tracked'))
    return {'params': params, 'buffers': buffers}


class Block(nn.Module):
    def __init__(self, cin, cout, stride, option):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.proj = None
        if (stride != 1 or cin != cout) and option == 'B':
            self.proj = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))


def cifar_resnet(depth, option):
    n = (depth - 2) // 6
    layers = [nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16)]
    cin = 16
    for i, c in enumerate([16, 32, 64]):
        for j in range(n):
            layers.append(Block(cin, c, 2 if (i > 0 and j == 0) else 1, option))
            cin = c
    layers.append(nn.Linear(64, 10))
    return nn.Sequential(*layers)


def main():
    out = {
        'generator': 'packages/architectures/scripts/make_fixtures.py',
        'torch': torch.__version__,
        'torchvision': torchvision.__version__,
        'models': {},
    }
    builders = {
        'alexnet': lambda: m.alexnet(),
        'vgg11': lambda: m.vgg11(), 'vgg13': lambda: m.vgg13(),
        'vgg16': lambda: m.vgg16(), 'vgg19': lambda: m.vgg19(),
        'vgg11_bn': lambda: m.vgg11_bn(), 'vgg13_bn': lambda: m.vgg13_bn(),
        'vgg16_bn': lambda: m.vgg16_bn(), 'vgg19_bn': lambda: m.vgg19_bn(),
        'googlenet': lambda: m.googlenet(aux_logits=False, init_weights=False),
        'resnet18': lambda: m.resnet18(), 'resnet34': lambda: m.resnet34(),
        'resnet50': lambda: m.resnet50(), 'resnet101': lambda: m.resnet101(),
        'resnet152': lambda: m.resnet152(),
    }
    for name, build in builders.items():
        with torch.no_grad():
            model = build()
        out['models'][name] = counts(model)
        del model
        print(name, out['models'][name], file=sys.stderr)
    for depth in (20, 32, 56):
        for option in ('A', 'B'):
            name = f'cifar_resnet{depth}_{option}'
            out['models'][name] = counts(cifar_resnet(depth, option))
            print(name, out['models'][name], file=sys.stderr)
    path = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'torchvision-params.json')
    with open(path, 'w') as f:
        json.dump(out, f, indent=2)
        f.write('\n')


if __name__ == '__main__':
    main()
