"""Independent reference values for the data tests (numpy / scikit-learn), written to fixtures/.

Run: /usr/bin/python3 packages/data/scripts/make_fixtures.py [shared_dir]
"""
import gzip
import json
import struct
import sys
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "fixtures"
SHARED = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[3] / "shared" / "data"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = struct.unpack(">" + "I" * ndim, raw[4 : 4 + 4 * ndim])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


out = {}

# Fashion-MNIST: pixel statistics of the full training set (for fitPixelNormalization) and probes.
fm = SHARED / "fashion-mnist"
train_x = read_idx(fm / "train-images-idx3-ubyte.gz").astype(np.float64) / 255.0
train_y = read_idx(fm / "train-labels-idx1-ubyte.gz")
test_y = read_idx(fm / "t10k-labels-idx1-ubyte.gz")
out["fashionMnist"] = {
    "trainMean": float(train_x.mean()),
    "trainStd": float(train_x.std()),
    "trainFirstLabels": train_y[:10].tolist(),
    "testFirstLabels": test_y[:10].tolist(),
    "trainImage0Sum": int(round(train_x[0].sum() * 255)),
    "trainImage0Row14": (train_x[0, 14] * 255).round().astype(int).tolist(),
}

mn = SHARED / "mnist-test"
mx = read_idx(mn / "t10k-images-idx3-ubyte.gz")
my = read_idx(mn / "t10k-labels-idx1-ubyte.gz")
out["mnistTest"] = {
    "histogram": np.bincount(my, minlength=10).tolist(),
    "firstLabels": my[:10].tolist(),
    "pixelSum": int(mx.astype(np.int64).sum()),
}

# CIFAR-10 subset: record r -> label byte, then CHW planes; NHWC = reshape(3,32,32).transpose(1,2,0).
cb = np.fromfile(SHARED / "cifar10-subset" / "test_batch.bin", dtype=np.uint8).reshape(-1, 3073)
imgs = cb[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
probes = [[0, 0, 0], [5, 31, 17], [123, 10, 20], [9999, 31, 31]]
out["cifarTest"] = {
    "histogram": np.bincount(cb[:, 0], minlength=10).tolist(),
    "firstLabels": cb[:10, 0].tolist(),
    "probes": [{"index": i, "h": h, "w": w, "rgb": imgs[i, h, w].tolist()} for i, h, w in probes],
    "channelMeans": (imgs.reshape(-1, 3).astype(np.float64).mean(axis=0) / 255.0).tolist(),
}

# Digits via scikit-learn's own loader (independent of our CSV parser).
d = load_digits()
out["digits"] = {
    "n": int(d.data.shape[0]),
    "histogram": np.bincount(d.target, minlength=10).tolist(),
    "row0": d.data[0].astype(int).tolist(),
    "row1796": d.data[1796].astype(int).tolist(),
    "firstLabels": d.target[:10].tolist(),
    "pixelSum": int(d.data.sum()),
}

OUT.mkdir(exist_ok=True)
(OUT / "reference.json").write_text(json.dumps(out, indent=1) + "\n")
print(json.dumps(out)[:600])
