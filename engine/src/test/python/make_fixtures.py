#!/usr/bin/python3
"""Writes the PyTorch reference fixtures that PyTorchFixturesTest checks vigil against.

Run with Debian's python3-torch (``/usr/bin/python3 engine/src/test/python/make_fixtures.py``);
it rewrites engine/src/test/resources/fixtures/*.json. The tests only read the committed files.

Each fixture is one JSON object: ``name``, ``params`` (the layer's hyperparameters) and
``tensors``, a map from name to ``{"shape": [...], "data": [...]}`` (NCHW, row-major). Inputs and
weights are float32 values drawn from a fixed seed; every reference value is computed in float64
from them, so the only difference left is vigil's float32 arithmetic. Gradients are those of
``L = sum(dy * y)`` for the stored upstream gradient ``dy``.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures")
torch.manual_seed(20261124)


def rand(*shape):
    """float32 values widened to float64, so Java sees exactly what PyTorch used."""
    return torch.randn(*shape, dtype=torch.float32).double()


def t(x):
    x = x.detach().double()
    return {"shape": list(x.shape), "data": [float("%.9g" % v) for v in x.flatten().tolist()]}


def write(name, params, tensors):
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump({"name": name, "params": params, "tensors": {k: t(v) for k, v in tensors.items()}}, f)
        f.write("\n")


def with_grads(fn, inputs, dy_shape=None):
    """y = fn(*inputs); returns y, dy and the gradient of sum(dy*y) for each input."""
    leaves = [x.clone().requires_grad_(True) for x in inputs]
    y = fn(*leaves)
    dy = rand(*y.shape)
    (y * dy).sum().backward()
    return y, dy, [l.grad for l in leaves]


def conv(name, x_shape, k, kernel, stride, padding, dilation, groups):
    x = rand(*x_shape)
    w = rand(k, x_shape[1] // groups, *kernel) * 0.5
    b = rand(k)
    y, dy, (dx, dw, db) = with_grads(
        lambda x, w, b: F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups),
        [x, w, b])
    write(name, {"filters": k, "kernel": list(kernel), "stride": list(stride), "padding": list(padding),
                 "dilation": list(dilation), "groups": groups},
          {"x": x, "weight": w, "bias": b, "y": y, "dy": dy, "dx": dx, "dweight": dw, "dbias": db})


conv("conv_stride_pad", (2, 3, 7, 6), 4, (3, 2), (2, 1), (1, 0), (1, 1), 1)
conv("conv_dilation", (2, 2, 7, 7), 3, (3, 3), (1, 1), (2, 2), (2, 2), 1)
conv("conv_groups", (2, 4, 5, 5), 6, (3, 3), (1, 1), (1, 1), (1, 1), 2)


def conv_transpose():
    x = rand(2, 3, 3, 4)
    w = rand(3, 2, 3, 3) * 0.5
    b = rand(2)
    y, dy, (dx, dw, db) = with_grads(
        lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1), [x, w, b])
    write("conv_transpose", {"filters": 2, "kernel": 3, "stride": 2, "padding": 1, "output_padding": 1},
          {"x": x, "weight": w, "bias": b, "y": y, "dy": dy, "dx": dx, "dweight": dw, "dbias": db})


conv_transpose()


def pools():
    x = rand(2, 2, 7, 7)
    y, dy, (dx,) = with_grads(lambda x: F.max_pool2d(x, 3, 2), [x])
    write("maxpool_overlapping", {"kernel": 3, "stride": 2, "padding": 0}, {"x": x, "y": y, "dy": dy, "dx": dx})
    y, dy, (dx,) = with_grads(lambda x: F.avg_pool2d(x, 3, 2, padding=1, count_include_pad=True), [x])
    write("avgpool_overlapping_padded", {"kernel": 3, "stride": 2, "padding": 1, "count_include_pad": True},
          {"x": x, "y": y, "dy": dy, "dx": dx})
    y, dy, (dx,) = with_grads(lambda x: F.lp_pool2d(x, 2, 3, 2), [x])
    write("l2pool_overlapping", {"kernel": 3, "stride": 2, "padding": 0}, {"x": x, "y": y, "dy": dy, "dx": dx})


pools()


def lrn():
    # vigil's α multiplies the plain sum (AlexNet paper); PyTorch divides its alpha by size.
    size, alpha, beta, k = 5, 0.1, 0.75, 2.0
    x = rand(2, 7, 2, 3)
    y, dy, (dx,) = with_grads(lambda x: F.local_response_norm(x, size, alpha * size, beta, k), [x])
    write("lrn", {"size": size, "alpha": alpha, "beta": beta, "k": k}, {"x": x, "y": y, "dy": dy, "dx": dx})


lrn()


def batch_norm():
    eps, momentum = 1e-5, 0.1
    x = rand(4, 3, 3, 2) * 2 + 1
    gamma = rand(3)
    beta = rand(3)
    rm0 = rand(3) * 0.1
    rv0 = rand(3).abs() + 0.5
    rm, rv = rm0.clone(), rv0.clone()
    y, dy, (dx, dg, db) = with_grads(
        lambda x, g, b: F.batch_norm(x, rm, rv, g, b, training=True, momentum=momentum, eps=eps), [x, gamma, beta])
    write("batchnorm_train", {"eps": eps, "momentum": momentum},
          {"x": x, "gamma": gamma, "beta": beta, "running_mean_before": rm0, "running_var_before": rv0,
           "running_mean_after": rm, "running_var_after": rv, "y": y, "dy": dy, "dx": dx,
           "dgamma": dg, "dbeta": db})
    y, dy, (dx, dg, db) = with_grads(
        lambda x, g, b: F.batch_norm(x, rm0, rv0, g, b, training=False, eps=eps), [x, gamma, beta])
    write("batchnorm_eval", {"eps": eps},
          {"x": x, "gamma": gamma, "beta": beta, "running_mean": rm0, "running_var": rv0, "y": y, "dy": dy,
           "dx": dx, "dgamma": dg, "dbeta": db})


batch_norm()


def activations():
    x = rand(2, 3, 2, 2)
    for name, fn, params in [("leaky_relu", lambda x: F.leaky_relu(x, 0.1), {"alpha": 0.1}),
                             ("sigmoid", torch.sigmoid, {}), ("tanh", torch.tanh, {})]:
        y, dy, (dx,) = with_grads(fn, [x])
        write(name, params, {"x": x, "y": y, "dy": dy, "dx": dx})
    z = rand(3, 5, 1, 1)
    y, dy, (dx,) = with_grads(lambda z: F.softmax(z.flatten(1), dim=1).view_as(z), [z])
    write("softmax", {}, {"x": z, "y": y, "dy": dy, "dx": dx})


activations()


def cross_entropy():
    z = rand(4, 7).requires_grad_(True)
    labels = torch.tensor([0, 6, 3, 3])
    loss = F.cross_entropy(z, labels)
    loss.backward()
    write("softmax_cross_entropy", {"labels": labels.tolist()},
          {"logits": z, "loss": loss.reshape(1), "dlogits": z.grad})


cross_entropy()


def formula(shape, k, fan_in, scale=None):
    """Weights both sides can compute: sin(0.7·i + 1.3·k) / sqrt(fan_in), i over the flat tensor."""
    n = 1
    for s in shape:
        n *= s
    s = scale if scale is not None else 1.0 / math.sqrt(fan_in)
    v = [float(torch.tensor(math.sin(0.7 * i + 1.3 * k) * s, dtype=torch.float32)) for i in range(n)]
    return torch.tensor(v, dtype=torch.float64).reshape(shape)


def lenet5():
    """vigil's LeNet5.create: the modern variant (ReLU, max pooling), 1×28×28 → 10 logits."""
    shapes = [(6, 1, 5, 5), (6,), (16, 6, 5, 5), (16,), (120, 400), (120,), (84, 120), (84,), (10, 84), (10,)]
    params = []
    for k, s in enumerate(shapes):
        if len(s) == 1:
            params.append(formula(s, k, 1, scale=0.1))
        else:
            fan_in = 1
            for d in s[1:]:
                fan_in *= d
            params.append(formula(s, k, fan_in))
    x = rand(2, 1, 28, 28)
    labels = torch.tensor([3, 7])
    leaves = [p.clone().requires_grad_(True) for p in params]
    w1, b1, w2, b2, w3, b3, w4, b4, w5, b5 = leaves
    h = F.max_pool2d(F.relu(F.conv2d(x, w1, b1, padding=2)), 2)
    h = F.max_pool2d(F.relu(F.conv2d(h, w2, b2)), 2)
    h = F.relu(F.linear(h.flatten(1), w3, b3))
    h = F.relu(F.linear(h, w4, b4))
    logits = F.linear(h, w5, b5)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    tensors = {"x": x, "logits": logits, "loss": loss.reshape(1)}
    names = ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias",
             "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"]
    for name, leaf in zip(names, leaves):
        g = leaf.grad.flatten()
        # The full gradients are 61,706 values; keep the first 40 of each and two checksums.
        tensors["grad_head." + name] = g[:40]
        tensors["grad_sum." + name] = g.sum().reshape(1)
        tensors["grad_abs_sum." + name] = g.abs().sum().reshape(1)
    write("lenet5", {"labels": labels.tolist(), "weights": "sin(0.7*i + 1.3*k)/sqrt(fan_in), biases 0.1*sin(...)"},
          tensors)


lenet5()
