"""Reference values of the training losses from PyTorch (Debian python3-torch 1.13).

Run: /usr/bin/python3 packages/train/scripts/make_loss_fixtures.py  (writes fixtures/losses.json)
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(0)
N, C = 6, 5
logits = torch.randn(N, C, dtype=torch.float64) * 2
labels = torch.randint(0, C, (N,))
z = torch.randn(N, 3, dtype=torch.float64) * 3
t = torch.randint(0, 2, (N, 3)).double()
p = torch.sigmoid(z)
yreg = torch.randn(N, 3, dtype=torch.float64)

cases = {
    "logits": logits.tolist(),
    "labels": labels.tolist(),
    "z": z.tolist(),
    "t": t.tolist(),
    "p": p.tolist(),
    "yreg": yreg.tolist(),
    "softmax_ce": F.cross_entropy(logits, labels).item(),
    "softmax_ce_smooth_0_2": F.cross_entropy(logits, labels, label_smoothing=0.2).item(),
    # torch's MultiMarginLoss divides the Weston-Watkins sum by C; ours is the plain sum (CS231n)
    "multi_margin_times_C": (F.multi_margin_loss(logits, labels, margin=1.0) * C).item(),
    "bce_logits": F.binary_cross_entropy_with_logits(z, t).item(),
    "bce_probs": F.binary_cross_entropy(p, t).item(),
    "mse": F.mse_loss(z, yreg).item(),
}
out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "losses.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, **cases}, f, indent=1)
print("wrote", os.path.normpath(out))
