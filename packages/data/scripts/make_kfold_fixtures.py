#!/usr/bin/python3
"""Reference splits of scikit-learn's KFold and StratifiedKFold (Debian python3-sklearn 1.2)
for @trainkit/data's kFold / stratifiedKFold.

Run: /usr/bin/python3 packages/data/scripts/make_kfold_fixtures.py  (writes fixtures/kfold.json)
Without shuffle the indices must match exactly; with shuffle the permutation differs, but the
fold sizes and the per-fold class counts (which scikit-learn fixes before shuffling) must match.
"""
import json
import os

import numpy as np
from sklearn.model_selection import KFold, StratifiedKFold

kfold = []
for n in [10, 7, 13, 2]:
    for k in [2, 3, 5]:
        if k > n:
            continue
        folds = [t.tolist() for _, t in KFold(n_splits=k).split(np.zeros(n))]
        kfold.append({"n": n, "k": k, "validation": folds})

rng = np.random.RandomState(3)
label_sets = {
    # imbalanced, classes first seen out of numeric order
    "imbalanced": [2, 0, 1, 0, 0, 2, 1, 0, 0, 0, 2, 1, 0, 0, 0, 1, 2, 0, 0, 1, 0, 0, 0],
    "random-4": rng.randint(0, 4, size=41).tolist(),
    "rare-class": [0] * 9 + [1] * 2 + [2] * 6,
    "strings": ["cat", "dog", "dog", "bird", "cat", "dog", "cat", "cat", "bird", "dog", "cat", "dog"],
}
stratified = []
for name, y in label_sets.items():
    for k in [2, 3, 5]:
        y_arr = np.asarray(y)
        classes = sorted(set(y), key=lambda c: y.index(c))  # first appearance
        if k > max(y.count(c) for c in classes):
            continue
        folds = [t.tolist() for _, t in StratifiedKFold(n_splits=k).split(np.zeros(len(y)), y_arr)]
        shuffled = [
            t.tolist()
            for _, t in StratifiedKFold(n_splits=k, shuffle=True, random_state=0).split(np.zeros(len(y)), y_arr)
        ]
        counts = [[int(sum(1 for i in f if y[i] == c)) for c in classes] for f in shuffled]
        stratified.append({"name": name, "y": y, "k": k, "validation": folds, "shuffledCounts": counts})

out = {"kfold": kfold, "stratified": stratified}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "kfold.json")
with open(path + ".tmp", "w") as f:
    json.dump(out, f)
os.replace(path + ".tmp", path)
print("wrote", os.path.normpath(path))
