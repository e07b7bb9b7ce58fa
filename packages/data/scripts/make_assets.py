"""Builds the embedded default datasets in packages/data/assets/ from ../shared/data.

Fashion-MNIST subset (official IDX files, Zalando Research, MIT licence):
  train: for each class 0..9, the first 200 images of train-images-idx3-ubyte in file order
  test:  for each class 0..9, the first 50 images of t10k-images-idx3-ubyte in file order
  The selected images keep their file order (sorted by original index), so the subset is an
  order-preserving filter of the official files. Written as gzipped IDX (magic 0x00000803 /
  0x00000801) with gzip mtime 0 so the bytes are reproducible.
Digits (UCI optical recognition of handwritten digits, CC BY 4.0, as shipped by scikit-learn):
  copied byte for byte from digits/digits.csv.gz.

Run: /usr/bin/python3 packages/data/scripts/make_assets.py [shared_dir]
"""
import gzip
import hashlib
import shutil
import struct
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ASSETS = HERE.parent / "assets"
SHARED = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[3] / "shared" / "data"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic = struct.unpack(">I", raw[:4])[0]
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, raw[4 : 4 + 4 * ndim])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def write_idx(path, arr):
    header = struct.pack(">I", 0x0800 | arr.ndim) + struct.pack(">" + "I" * arr.ndim, *arr.shape)
    with open(path, "wb") as out:
        with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0, filename="") as g:
            g.write(header + arr.astype(np.uint8).tobytes())


def subset(prefix, per_class, name):
    images = read_idx(SHARED / "fashion-mnist" / f"{prefix}-images-idx3-ubyte.gz")
    labels = read_idx(SHARED / "fashion-mnist" / f"{prefix}-labels-idx1-ubyte.gz")
    keep = np.sort(np.concatenate([np.flatnonzero(labels == c)[:per_class] for c in range(10)]))
    write_idx(ASSETS / f"fashion-mnist-{name}-images-idx3-ubyte.gz", images[keep])
    write_idx(ASSETS / f"fashion-mnist-{name}-labels-idx1-ubyte.gz", labels[keep])
    print(name, len(keep), "images; histogram", np.bincount(labels[keep], minlength=10).tolist())


ASSETS.mkdir(exist_ok=True)
subset("train", 200, "train")
subset("t10k", 50, "test")
shutil.copyfile(SHARED / "digits" / "digits.csv.gz", ASSETS / "digits.csv.gz")
for p in sorted(ASSETS.iterdir()):
    print(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}  {p.stat().st_size} bytes")
