"""Classification-metric references from scikit-learn (Debian python3-sklearn 1.2).

Run: /usr/bin/python3 packages/train/scripts/make_classification_fixtures.py
Writes fixtures/classification-metrics.json: for each case, labels and predicted scores (the
predicted class is the arg-max, or score > 0.5 for a single output), and scikit-learn's
confusion_matrix, precision_recall_fscore_support per class and with average='macro', 'micro',
'weighted' (labels = all classes, zero_division=0), and accuracy_score.
"""
import json
import os

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(22)


def softmax(z):
    e = np.exp(z - z.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def case(name, y, scores, classes):
    scores = scores.astype(np.float32)  # what the tfjs side sees
    if scores.ndim == 1:
        pred = (scores > 0.5).astype(int)
    else:
        pred = scores.argmax(1)
    labels = list(range(classes))
    out = {
        'name': name,
        'numClasses': classes,
        'yTrue': y.tolist(),
        'scores': scores.astype(float).tolist(),
        'yPred': pred.tolist(),
        'confusionMatrix': confusion_matrix(y, pred, labels=labels).tolist(),
        'accuracy': accuracy_score(y, pred),
    }
    p, r, f, s = precision_recall_fscore_support(y, pred, labels=labels, zero_division=0)
    out['perClass'] = {'precision': p.tolist(), 'recall': r.tolist(), 'f1': f.tolist(),
                       'support': s.tolist()}
    for avg in ['macro', 'micro', 'weighted']:
        p, r, f, _ = precision_recall_fscore_support(y, pred, labels=labels, average=avg,
                                                     zero_division=0)
        out[avg] = {'precision': float(p), 'recall': float(r), 'f1': float(f)}
    return out


def main():
    cases = []
    # 5 classes, 200 examples, a noisy classifier (logits = 2 * onehot + noise).
    y = rng.integers(0, 5, 200)
    scores = softmax(2.0 * np.eye(5)[y] + rng.normal(0, 1.2, (200, 5)))
    cases.append(case('5 classes, noisy', y, scores, 5))
    # 4 classes: class 3 never occurs in the labels, class 2 is never predicted.
    y = rng.integers(0, 3, 60)
    z = rng.normal(0, 1, (60, 4)) + 1.5 * np.eye(4)[y]
    z[:, 2] -= 100.0
    cases.append(case('4 classes, one absent, one never predicted', y, softmax(z), 4))
    # Binary, a single sigmoid output.
    y = rng.integers(0, 2, 50)
    p = 1 / (1 + np.exp(-(1.5 * (2 * y - 1) + rng.normal(0, 1.5, 50))))
    cases.append(case('binary single output', y, p, 2))
    with open(os.path.join(HERE, '..', 'fixtures', 'classification-metrics.json'), 'w') as f:
        json.dump({'source': 'scikit-learn ' + __import__('sklearn').__version__, 'cases': cases}, f)


if __name__ == '__main__':
    main()
