"""PyTorch twin of `trainkit train`'s default job (the README's main job), for bench/cli-job.ts.

Same data (the embedded Fashion-MNIST subset shipped in packages/data/assets: 2,000 train,
500 test, pixels / 255), same split (10% stratified validation), same model (lenet5 variant
'modern': conv5x5x6 'same' + ReLU, maxpool 2, conv5x5x16 + ReLU, maxpool 2, conv5x5x120 + ReLU,
dense 84 + ReLU, dense 10; Glorot-uniform kernels, zero biases), same optimizer (Adam, lr 0.002),
batch 32, 6 epochs, a shuffle per epoch, loss and accuracy summed each step, validation each
epoch. Prints one JSON line: the training seconds (the loop with its validation, as trainkit's
"trained ... in X s" line) and the test accuracy.
  OMP_PROC_BIND=true OMP_PLACES=cores /usr/bin/python3 bench/torch_cli_job.py [threads] [epochs] [dataset]
dataset: `embedded` (default, the subset above) or `fashion-mnist`: the full set (60,000 train,
10,000 test) from $TRAINKIT_DATA/fashion-mnist or ../shared/data/fashion-mnist, as
`trainkit train --dataset fashion-mnist` finds it (same 10% stratified validation split).
"""
import gzip
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 6
dataset = sys.argv[3] if len(sys.argv) > 3 else 'embedded'
torch.set_num_threads(threads)
torch.manual_seed(42)
rng = np.random.default_rng(42)
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
if dataset == 'embedded':
    assets = os.path.join(root, 'packages', 'data', 'assets')
    names = {part: (f'fashion-mnist-{part}-images-idx3-ubyte.gz', f'fashion-mnist-{part}-labels-idx1-ubyte.gz')
             for part in ('train', 'test')}
elif dataset == 'fashion-mnist':
    assets = next(d for d in [os.path.join(os.environ.get('TRAINKIT_DATA', '/nonexistent'), 'fashion-mnist'),
                              os.path.join(root, '..', 'shared', 'data', 'fashion-mnist')]
                  if os.path.exists(os.path.join(d, 'train-images-idx3-ubyte.gz')))
    names = {'train': ('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'),
             'test': ('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz')}
elif os.path.exists(os.path.join(dataset, 'train-images-idx3-ubyte.gz')):  # a folder (cli-job.ts's part)
    assets = dataset
    names = {'train': ('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'),
             'test': ('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz')}
else:
    raise SystemExit(f'unknown dataset {dataset!r}: embedded, fashion-mnist or an IDX folder')


def idx(name):
    with gzip.open(os.path.join(assets, name), 'rb') as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(part):
    x = idx(names[part][0]).astype(np.float32) / 255.0
    y = idx(names[part][1]).astype(np.int64)
    return torch.from_numpy(x[:, None, :, :].copy()), torch.from_numpy(y.copy())


x_all, y_all = load('train')
x_test, y_test = load('test')
val_idx = np.concatenate(
    [rng.permutation(np.flatnonzero(y_all.numpy() == c))[: int(round(0.1 * (y_all.numpy() == c).sum()))]
     for c in range(10)])
mask = np.ones(len(y_all), dtype=bool)
mask[val_idx] = False
x_train, y_train = x_all[mask], y_all[mask]
x_val, y_val = x_all[val_idx], y_all[val_idx]

model = nn.Sequential(
    nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 120, 5), nn.ReLU(), nn.Flatten(),
    nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
)
for m in model.modules():
    if isinstance(m, (nn.Conv2d, nn.Linear)):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)
opt = torch.optim.Adam(model.parameters(), lr=0.002)
loss_fn = nn.CrossEntropyLoss()
BATCH = 32


def evaluate(x, y):
    model.eval()
    total, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(y), BATCH):
            out = model(x[i:i + BATCH])
            total += loss_fn(out, y[i:i + BATCH]).item() * len(out)
            correct += (out.argmax(1) == y[i:i + BATCH]).sum().item()
    model.train()
    return total / len(y), correct / len(y)


t0 = time.perf_counter()
history = []
for epoch in range(epochs):
    perm = torch.randperm(len(y_train))
    loss_sum = torch.zeros(())
    acc_sum = torch.zeros(())
    for i in range(0, len(perm), BATCH):
        b = perm[i:i + BATCH]
        xb, yb = x_train[b], y_train[b]
        opt.zero_grad(set_to_none=True)
        out = model(xb)
        loss = loss_fn(out, yb)
        loss.backward()
        opt.step()
        with torch.no_grad():
            loss_sum += loss.detach() * len(b)
            acc_sum += (out.argmax(1) == yb).sum()
    val_loss, val_acc = evaluate(x_val, y_val)
    history.append({'loss': loss_sum.item() / len(perm), 'acc': acc_sum.item() / len(perm),
                    'val_loss': val_loss, 'val_acc': val_acc})
seconds = time.perf_counter() - t0
test_loss, test_acc = evaluate(x_test, y_test)
print(json.dumps({'seconds': seconds, 'steps': epochs * ((len(perm) + BATCH - 1) // BATCH),
                  'train': len(y_train), 'validation': len(y_val), 'test_acc': test_acc,
                  'history': history, 'threads': torch.get_num_threads()}))
