"""PyTorch 1.13 references for @trainkit/batchnorm (run with Debian's /usr/bin/python3).

Writes fixtures/batchnorm.json: for BatchNorm1d on [N, C] and BatchNorm2d on NCHW (stored as
NHWC, channels last, to match the tfjs layer):
  - k training steps with PyTorch momentum m = 1 - a (a = Keras momentum): training outputs of
    the last step, running mean, running var (PyTorch: unbiased), and the biased-variance
    running var computed with numpy (Keras/tfjs convention);
  - eval output on a fresh batch;
  - gradients of sum(y * g) w.r.t. the input, gamma and beta for the last training batch;
  - cumulative running stats (momentum=None) over the k batches.
"""
import json
import os

import numpy as np
import torch

torch.manual_seed(0)
np.random.seed(0)
torch.set_default_dtype(torch.float64)

KERAS_MOMENTUM = 0.9
EPS = 1e-3
K = 3


def to_list(t):
    return t.detach().numpy().astype(float).tolist()


def case(name, bn_cls, shape, channels_last_perm, channels_first_perm):
    bn = bn_cls(shape[1], eps=EPS, momentum=1 - KERAS_MOMENTUM)
    with torch.no_grad():
        bn.weight.copy_(torch.linspace(0.5, 1.5, shape[1]))
        bn.bias.copy_(torch.linspace(-0.2, 0.3, shape[1]))
    cum = bn_cls(shape[1], eps=EPS, momentum=None)
    batches = [torch.randn(*shape) * 2 + 0.5 for _ in range(K)]
    biased_mean = np.zeros(shape[1])
    biased_var = np.ones(shape[1])
    bn.train()
    cum.train()
    reduce_axes = tuple(i for i in range(len(shape)) if i != 1)
    for i, x in enumerate(batches):
        x = x.clone().requires_grad_(True)
        y = bn(x)
        cum(x.detach())
        xn = x.detach().numpy()
        biased_mean = KERAS_MOMENTUM * biased_mean + (1 - KERAS_MOMENTUM) * xn.mean(axis=reduce_axes)
        biased_var = KERAS_MOMENTUM * biased_var + (1 - KERAS_MOMENTUM) * xn.var(axis=reduce_axes)
        if i == K - 1:
            g = torch.randn(*shape)
            (y * g).sum().backward()
            last = dict(
                y=to_list(y.permute(*channels_last_perm)),
                upstream=to_list(g.permute(*channels_last_perm)),
                dx=to_list(x.grad.permute(*channels_last_perm)),
                dgamma=to_list(bn.weight.grad),
                dbeta=to_list(bn.bias.grad),
            )
    bn.eval()
    x_eval = torch.randn(*shape)
    y_eval = bn(x_eval)
    return dict(
        name=name,
        momentum=KERAS_MOMENTUM,
        epsilon=EPS,
        gamma=to_list(bn.weight),
        beta=to_list(bn.bias),
        batches=[to_list(b.permute(*channels_last_perm)) for b in batches],
        last=last,
        running_mean=to_list(bn.running_mean),
        running_var_unbiased=to_list(bn.running_var),
        running_var_biased=biased_var.tolist(),
        cumulative_mean=to_list(cum.running_mean),
        cumulative_var_unbiased=to_list(cum.running_var),
        x_eval=to_list(x_eval.permute(*channels_last_perm)),
        y_eval=to_list(y_eval.permute(*channels_last_perm)),
    )


fixtures = dict(
    torch_version=torch.__version__,
    dense=case('BatchNorm1d', torch.nn.BatchNorm1d, (6, 3), (0, 1), (0, 1)),
    conv=case('BatchNorm2d', torch.nn.BatchNorm2d, (4, 2, 3, 3), (0, 2, 3, 1), (0, 3, 1, 2)),
)
out = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'batchnorm.json')
with open(out, 'w') as f:
    json.dump(fixtures, f)
print('wrote', out, 'torch', torch.__version__)
