"""Reference for trainLinearClassifier (softmax): scikit-learn's multinomial LogisticRegression.
sklearn minimises C * sum_i CE_i + |W|^2 / 2 (bias not penalised); dividing by C * N gives the
package's mean CE + l2 / 2 |W|^2 with l2 = 1 / (C * N).

    /usr/bin/python3 packages/transfer/scripts/make-linear-fixture.py

writes packages/transfer/fixtures/softmax-regression.json (Debian python3-sklearn 1.2).
"""
import json
import os

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

rng = np.random.RandomState(5)
n, d, c = 120, 6, 3
centers = rng.normal(0, 1.2, (c, d))
labels = rng.randint(0, c, n)
x = (centers[labels] + rng.normal(0, 1.0, (n, d))).astype(np.float32)
l2 = 0.01
clf = LogisticRegression(C=1.0 / (l2 * n), multi_class="multinomial", solver="lbfgs",
                         tol=1e-12, max_iter=10000)
clf.fit(x.astype(np.float64), labels)
out = {
    "source": "scripts/make-linear-fixture.py, sklearn %s LogisticRegression(multinomial)" % sklearn.__version__,
    "x": x.tolist(),
    "labels": labels.tolist(),
    "numClasses": c,
    "l2": l2,
    "W": clf.coef_.T.tolist(),
    "proba": clf.predict_proba(x.astype(np.float64)).tolist(),
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "softmax-regression.json")
with open(path, "w") as f:
    json.dump(out, f)
print(clf.coef_, clf.n_iter_)
