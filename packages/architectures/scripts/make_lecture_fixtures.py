"""References for the maxout layer and the ZFNet builder, made with PyTorch (Debian torch 1.13).

Run: /usr/bin/python3 packages/architectures/scripts/make_lecture_fixtures.py
Writes fixtures/maxout.json and fixtures/zfnet.json.

maxout.json: a maxout layer (Goodfellow et al. 2013) written as torch.nn.Linear(in, units * k)
followed by view(..., units, k).max(-1), in float64: inputs, weights, the output and the
gradients of loss = sum(output * c) with respect to the input, kernel and bias (autograd).

zfnet.json: ZFNet (Zeiler & Fergus 2013, Fig. 3) written independently as a torch Sequential
(7x7/2 conv1 padded 1, pools padded 1 where the paper's sizes need it, no LRN): parameter count
and the feature-map size after each stage at 224x224x3, 1000 classes.
"""
import json
import os

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'fixtures')
torch.manual_seed(0)


def maxout_case(batch, inputs, units, pieces):
    x = torch.randn(batch, inputs, dtype=torch.float64, requires_grad=True)
    lin = nn.Linear(inputs, units * pieces).double()
    z = lin(x)
    h = z.view(batch, units, pieces).max(-1).values
    c = torch.randn(batch, units, dtype=torch.float64)
    (h * c).sum().backward()
    # torch keeps weight as [out, in]; the tfjs kernel is [in, out].
    return {
        'units': units,
        'pieces': pieces,
        'x': x.detach().tolist(),
        'kernel': lin.weight.detach().t().tolist(),
        'bias': lin.bias.detach().tolist(),
        'c': c.tolist(),
        'output': h.detach().tolist(),
        'gradX': x.grad.tolist(),
        'gradKernel': lin.weight.grad.t().tolist(),
        'gradBias': lin.bias.grad.tolist(),
    }


def zfnet(num_classes=1000):
    return nn.Sequential(
        nn.Conv2d(3, 96, 7, stride=2, padding=1), nn.ReLU(),
        nn.MaxPool2d(3, 2, padding=1),
        nn.Conv2d(96, 256, 5, stride=2), nn.ReLU(),
        nn.MaxPool2d(3, 2, padding=1),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(),
        nn.MaxPool2d(3, 2),
        nn.Flatten(),
        nn.Dropout(0.5), nn.Linear(6 * 6 * 256, 4096), nn.ReLU(),
        nn.Dropout(0.5), nn.Linear(4096, 4096), nn.ReLU(),
        nn.Linear(4096, num_classes),
    )


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = [maxout_case(4, 5, 3, 2), maxout_case(3, 4, 2, 4)]
    with open(os.path.join(OUT, 'maxout.json'), 'w') as f:
        json.dump({'source': 'torch ' + torch.__version__ + ', float64', 'cases': cases}, f)
    net = zfnet()
    sizes = {}
    y = torch.zeros(1, 3, 224, 224)
    names = {2: 'pool1', 5: 'pool2', 11: 'conv5', 12: 'pool5'}
    with torch.no_grad():
        for i, layer in enumerate(net):
            y = layer(y)
            if i == 0:
                sizes['conv1'] = list(y.shape[1:])
            if i in names:
                sizes[names[i]] = list(y.shape[1:])
    params = {n: p.numel() for n, p in net.named_parameters()}
    with open(os.path.join(OUT, 'zfnet.json'), 'w') as f:
        json.dump({'source': 'torch ' + torch.__version__, 'params': sum(params.values()),
                   'perParam': params, 'featureMaps': sizes, 'output': list(y.shape[1:])}, f,
                  indent=1)


if __name__ == '__main__':
    main()
