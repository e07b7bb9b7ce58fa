"""Reference for exact Newton on softmax regression: scikit-learn's multinomial logistic regression.

Run with Debian's python3-sklearn:  /usr/bin/python3 scripts/make_softmax_fixture.py
Writes fixtures/softmax-regression.json.
"""
import json
import os

import numpy as np
from sklearn.linear_model import LogisticRegression

idx = np.arange(60, dtype=np.float64)
X = np.stack([np.sin(idx * 0.7), np.cos(idx * 0.3) * 1.2, np.sin(idx * 0.17 + 0.5), np.cos(idx * 1.1)], axis=1)
scores = X @ np.array([[1.0, -1.0, 0.2], [-0.5, 0.8, 0.4], [0.3, 0.1, -1.2], [0.0, 0.6, 0.5]])
y = np.argmax(scores + 0.6 * np.sin(idx[:, None] * np.array([1.3, 2.1, 0.7])), axis=1)
C_REG = 3.0
# sklearn minimises C * sum(cross-entropy) + 0.5 |W|^2 (intercept not penalised),
# i.e. mean(cross-entropy) + |W|^2 / (2 C N).
clf = LogisticRegression(multi_class="multinomial", solver="lbfgs", C=C_REG, tol=1e-14, max_iter=100000).fit(X, y)
out = dict(
    generator="scripts/make_softmax_fixture.py",
    X=X.tolist(),
    y=y.tolist(),
    C=C_REG,
    W=clf.coef_.T.tolist(),  # [features, classes]
    b=clf.intercept_.tolist(),
)
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "..", "fixtures", "softmax-regression.json"), "w") as f:
    json.dump(out, f)
print("classes", np.bincount(y))

# The fixture must be a true minimiser: report the gradient of mean(CE) + |W|^2/(2CN).
W, b = clf.coef_.T, clf.intercept_
Z = X @ W + b
P = np.exp(Z - Z.max(1, keepdims=True))
P /= P.sum(1, keepdims=True)
Y = np.eye(3)[y]
N = len(y)
gW = X.T @ (P - Y) / N + W / (C_REG * N)
gb = (P - Y).mean(0)
print("max |grad|", max(abs(gW).max(), abs(gb).max()))
