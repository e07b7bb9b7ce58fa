#!/usr/bin/python3
"""Reference fixtures for @trainkit/preprocess from Debian's python3-sklearn / numpy.

Run from packages/preprocess:  /usr/bin/python3 scripts/make_fixtures.py
Writes fixtures/scalers.json, fixtures/pca.json, fixtures/zca.json.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.decomposition import PCA
from sklearn.preprocessing import MinMaxScaler, StandardScaler

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures')
os.makedirs(OUT, exist_ok=True)


def r(a):
    return np.round(np.asarray(a, dtype=np.float64), 10).tolist()


def dump(name, obj):
    obj['generator'] = f'scripts/make_fixtures.py (sklearn {sklearn.__version__}, numpy {np.__version__})'
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(obj, f)


def correlated(rng, n, p, spectrum, offset):
    """Gaussian data with the given standard deviations along a random rotation, plus an offset."""
    q, _ = np.linalg.qr(rng.normal(size=(p, p)))
    z = rng.normal(size=(n, p)) * np.asarray(spectrum)
    return z @ q.T + offset


rng = np.random.default_rng(20261123)

# --- scalers: mixed scales, one constant column (the zero-variance guard) ---
xs = rng.normal(size=(40, 5)) * np.array([1.0, 10.0, 0.1, 3.0, 1.0]) + np.array([5.0, -2.0, 0.3, 0.0, 1.0])
xs[:, 4] = 2.5
ss = StandardScaler().fit(xs)
mm = MinMaxScaler().fit(xs)
dump('scalers.json', {
    'x': r(xs),
    'standard': {'mean': r(ss.mean_), 'var': r(ss.var_), 'scale': r(ss.scale_), 'transformed': r(ss.transform(xs))},
    'minmax': {'dataMin': r(mm.data_min_), 'dataMax': r(mm.data_max_), 'transformed': r(mm.transform(xs))},
})

# --- PCA: exact (full) and randomized, count and fraction, whiten ---
x = correlated(rng, 120, 8, [6.0, 4.0, 2.5, 1.5, 1.0, 0.6, 0.3, 0.1], rng.normal(size=8) * 3)
cases = {}
for name, kw in {
    'full3': dict(n_components=3, svd_solver='full'),
    'full90': dict(n_components=0.9, svd_solver='full'),
    'full3whiten': dict(n_components=3, svd_solver='full', whiten=True),
    'randomized3': dict(n_components=3, svd_solver='randomized', random_state=0),
}.items():
    p = PCA(**kw).fit(x)
    t = p.transform(x)
    cases[name] = {
        'nComponents': int(p.n_components_),
        'components': r(p.components_),
        'explainedVariance': r(p.explained_variance_),
        'explainedVarianceRatio': r(p.explained_variance_ratio_),
        'mean': r(p.mean_),
        'transformed': r(t),
        'inverse': r(p.inverse_transform(t)),
        'solver': kw['svd_solver'],
        'whiten': bool(kw.get('whiten', False)),
    }
# 'auto' picks randomized here in sklearn 1.2: max(n, p) > 500 and k < 0.8 * min(n, p)
xa = correlated(rng, 520, 12, [5.0, 3.0, 2.0] + [0.5] * 9, 1.0)
pa = PCA(n_components=3, svd_solver='auto', random_state=0).fit(xa)
cases['auto520'] = {
    'nComponents': 3,
    'components': r(pa.components_),
    'explainedVariance': r(pa.explained_variance_),
    'explainedVarianceRatio': r(pa.explained_variance_ratio_),
    'mean': r(pa.mean_),
    'transformed': r(pa.transform(xa)),
    'inverse': r(pa.inverse_transform(pa.transform(xa))),
    'solver': pa._fit_svd_solver,
    'whiten': False,
}
dump('pca.json', {'x': r(x), 'xAuto': r(xa), 'cases': cases})

# --- ZCA (numpy): W = U diag(1 / sqrt(lambda + eps)) U^T, covariance with ddof = 1 ---
xz = correlated(rng, 100, 6, [3.0, 2.0, 1.5, 1.0, 0.8, 0.5], rng.normal(size=6))
mu = xz.mean(axis=0)
cov = np.cov(xz - mu, rowvar=False, ddof=1)
lam, u = np.linalg.eigh(cov)
zca = {}
for eps in [0.0, 0.1]:
    w = u @ np.diag(1.0 / np.sqrt(lam + eps)) @ u.T
    zca[str(eps)] = {'epsilon': eps, 'matrix': r(w), 'transformed': r((xz - mu) @ w)}
# Per-image ZCA over channels: 2 images 4x4x3, each whitened with its own 3x3 covariance.
imgs = rng.normal(size=(2, 4, 4, 3)) * np.array([1.0, 0.5, 2.0]) + np.array([0.2, 0.5, 0.7])
imgs[..., 1] += 0.6 * imgs[..., 0]
per_image = []
for eps in [0.0, 0.01]:
    out = np.empty_like(imgs)
    for i in range(2):
        px = imgs[i].reshape(-1, 3)
        c = px - px.mean(axis=0)
        l, v = np.linalg.eigh(np.cov(c, rowvar=False, ddof=1))
        out[i] = (c @ v @ np.diag(1.0 / np.sqrt(l + eps)) @ v.T).reshape(4, 4, 3)
    per_image.append({'epsilon': eps, 'transformed': r(out)})
dump('zca.json', {'x': r(xz), 'mean': r(mu), 'cases': zca, 'images': r(imgs), 'perImage': per_image})
print('wrote', sorted(os.listdir(OUT)))
