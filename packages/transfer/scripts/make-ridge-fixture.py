"""Reference for the linear probe of measureSimilarity: scikit-learn's RidgeClassifier
(one-vs-all least squares with an intercept, the same objective as the probe's dual solve).

    /usr/bin/python3 packages/transfer/scripts/make-ridge-fixture.py

writes packages/transfer/fixtures/ridge-probe.json (Debian python3-sklearn 1.2, numpy 1.24).
"""
import json
import os

import numpy as np
import sklearn
from sklearn.linear_model import RidgeClassifier

rng = np.random.RandomState(9)
n, d, c = 100, 25, 4
centers = rng.normal(0, 1.0, (c, d))
labels = rng.randint(0, c, n)
x = (centers[labels] + rng.normal(0, 1.6, (n, d))).astype(np.float32)
train = list(range(0, 40))
test = list(range(40, n))
lambdas = [1e-3, 1.0, 10.0, 100.0, 1000.0]
acc = []
for a in lambdas:
    clf = RidgeClassifier(alpha=a, fit_intercept=True, solver="cholesky")
    clf.fit(x[train].astype(np.float64), labels[train])
    acc.append(float((clf.predict(x[test].astype(np.float64)) == labels[test]).mean()))
out = {
    "source": "scripts/make-ridge-fixture.py, sklearn %s RidgeClassifier(fit_intercept=True)" % sklearn.__version__,
    "x": x.tolist(),
    "labels": labels.tolist(),
    "numClasses": c,
    "train": train,
    "test": test,
    "lambdas": lambdas,
    "accuracy": acc,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "ridge-probe.json")
with open(path, "w") as f:
    json.dump(out, f)
print(acc)
