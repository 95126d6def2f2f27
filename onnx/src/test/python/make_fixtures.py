#!/usr/bin/python3
"""Fixtures of the ONNX conformance suite: models exported by PyTorch with the inputs and outputs
PyTorch computed for them. Inputs have 1 or 3 channels, as vigil models take (gray or RGB).

Usage: make_fixtures.py OUT_DIR

For every case NAME it writes
  NAME.onnx         the model, exported by torch.onnx at the case's opset (which runs ONNX's checker)
  NAME.input.bin    a batch of 2 inputs drawn from a normal distribution, float32 little-endian, NCHW
  NAME.output.bin   PyTorch's outputs for that batch (logits; probabilities where the model ends
                    in a softmax), float32 little-endian
and manifest.json: one entry per case with its name, opset, input and output shapes, whether the
model ends in a softmax, and the ONNX operators the file holds.

Cases:
  - torchvision's AlexNet (opset 9), VGG-11 (11), GoogLeNet (13; aux_logits=False,
    init_weights=True, transform_input=False), ResNet-18 (17, batch axis symbolic) and ResNet-18
    again with its BatchNormalization nodes kept (15): random weights, 10 classes (not 1000, to keep
    the files small; the fully connected heads are otherwise as torchvision builds them), 3x224x224,
    every batch norm given random running statistics, scale and shift. PyTorch's default export (eval mode) folds each batch norm that follows a convolution into the
    convolution's weights and bias; the "_bn" form is exported with TrainingMode.PRESERVE, which
    keeps them as nodes.
  - small models of one operator each (torch.nn modules), each at two opsets: Conv with groups,
    dilation and padding, ConvTranspose, LeakyRelu, Sigmoid, Tanh, MaxPool with ceil_mode,
    AveragePool with and without count_include_pad, LRN, BatchNormalization, Dropout and Identity,
    a trailing Softmax, Flatten against Reshape, MatMul, Pad, Concat, Add, GlobalAveragePool, and
    the forms other exporters write (a Constant node for a weight, auto_pad). Where torch.onnx
    leaves out a form issue 16 lists (Dropout, Identity, Constant, auto_pad, Pad with its pads as
    one initializer), the exported graph is rewritten into that form without changing its meaning.
    torch.onnx's own forms are kept elsewhere: F.pad from opset 11 computes its pads in a subgraph
    of Constant, ConstantOfShape, Concat, Reshape, Slice, Transpose and Cast nodes (pad_op11);
    AvgPool2d with count_include_pad writes a Pad before the AveragePool; MaxPool2d with ceil_mode
    at opset 9 writes larger end pads instead of the ceil_mode attribute.
  - LeNet-5 (the engine zoo's modern LeNet-5: conv 6@5x5 pad 2, max pool 2/2, conv 16@5x5, max
    pool 2/2, fully connected 120, 84, 10, ReLU after each but the last) trained for one epoch on
    Fashion-MNIST (pixels / 255, no mean or std: torchvision's ToTensor convention; SGD, fixed
    seed), exported at opset 10. Besides its fixture files: lenet5.predictions.bin, PyTorch's
    predicted class for each of the 10,000 test images (one byte each, in file order), and its
    test accuracy in the manifest.

Everything is drawn from fixed seeds: the same PyTorch build writes the same files.
"""
import gzip
import json
import os
import sys
import time

# Idle OpenMP threads sleep instead of spinning: on a busy 2-core machine spinning threads made one
# LeNet-5 epoch ten times slower. Read when torch loads its OpenMP runtime, so set before the import.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
import onnx
import onnx.helper
import onnx.numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

BATCH = 2
FASHION_MNIST = "/usr/share/datasets/fashion-mnist"
EVAL = torch.onnx.TrainingMode.EVAL
PRESERVE = torch.onnx.TrainingMode.PRESERVE


# ---------------------------------------------------------------------------------------------
# Writing one case


def write_case(out_dir, name, model, input_shape, opset, seed, *, dynamic_batch=False,
               training=EVAL, softmax=False, edit=None, extra=None):
    """Exports `model` (eval mode) as NAME.onnx at `opset`, with its input and PyTorch's output.

    `edit(model_proto, opset)` may rewrite the exported graph in ways that keep its meaning
    (forms other exporters write); the result is checked again."""
    model.eval()
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn((BATCH,) + tuple(input_shape), generator=generator)
    with torch.no_grad():
        y = model(x)
    path = os.path.join(out_dir, name + ".onnx")
    axes = {"input": {0: "batch"}, "output": {0: "batch"}} if dynamic_batch else None
    torch.onnx.export(model, x, path, opset_version=opset, input_names=["input"],
                      output_names=["output"], dynamic_axes=axes, training=training,
                      do_constant_folding=True)
    proto = onnx.load(path)
    if edit is not None:
        proto = edit(proto, opset)
        # torch.onnx.export has run ONNX's checker on what it wrote; an edited graph is checked
        # again (with shape inference, which catches wiring mistakes).
        onnx.checker.check_model(proto, full_check=True)
        onnx.save(proto, path)
    x.numpy().astype("<f4").tofile(os.path.join(out_dir, name + ".input.bin"))
    y.numpy().astype("<f4").tofile(os.path.join(out_dir, name + ".output.bin"))
    entry = {
        "name": name,
        "opset": opset,
        "input": list(x.shape),
        "output": list(y.shape),
        "softmax": softmax,
        "dynamic_batch": dynamic_batch,
        "ops": sorted({node.op_type for node in proto.graph.node}),
    }
    entry.update(extra or {})
    return entry


# ---------------------------------------------------------------------------------------------
# Graph rewrites that keep the meaning: forms other exporters write


def _insert_after(proto, producer_op, nodes_for):
    """Inserts nodes_for(output name) after the first node of type producer_op, rewiring its
    readers to the last inserted node's output."""
    graph = proto.graph
    index = next(i for i, n in enumerate(graph.node) if n.op_type == producer_op)
    old = graph.node[index].output[0]
    new_nodes, new_output = nodes_for(old)
    for node in graph.node[index + 1:]:
        for k, name in enumerate(node.input):
            if name == old:
                node.input[k] = new_output
    for k, node in enumerate(new_nodes):
        graph.node.insert(index + 1 + k, node)
    return proto


def add_dropout_and_identity(proto, opset):
    """Dropout (inference: the identity) and an Identity after the first Relu. PyTorch drops
    Dropout in eval mode; other exporters keep it (before opset 12 with its ratio attribute,
    from 12 on with an optional ratio input)."""

    def nodes(value):
        if opset < 12:
            dropout = onnx.helper.make_node("Dropout", [value], ["dropped"], name="dropout",
                                            ratio=0.5)
        else:
            dropout = onnx.helper.make_node("Dropout", [value, "dropout_ratio"], ["dropped"],
                                            name="dropout")
            proto.graph.initializer.append(
                onnx.numpy_helper.from_array(np.array(0.5, dtype=np.float32), "dropout_ratio"))
        identity = onnx.helper.make_node("Identity", ["dropped"], ["kept"], name="identity")
        return [dropout, identity], "kept"

    return _insert_after(proto, "Relu", nodes)


def constant_and_auto_pad(proto, opset):
    """The second convolution's weight from a Constant node instead of an initializer; the first
    convolution's explicit pads (1 on every side, 3x3 stride 1) as auto_pad SAME_UPPER; the third
    one's zero pads as auto_pad VALID."""
    graph = proto.graph
    convs = [n for n in graph.node if n.op_type == "Conv"]
    assert len(convs) == 3, [n.op_type for n in graph.node]

    def set_auto_pad(node, value, expected_pads):
        pads = [a for a in node.attribute if a.name == "pads"]
        assert [list(a.ints) for a in pads] in ([expected_pads], []), pads
        for a in pads:
            node.attribute.remove(a)
        node.attribute.append(onnx.helper.make_attribute("auto_pad", value))

    set_auto_pad(convs[0], "SAME_UPPER", [1, 1, 1, 1])
    set_auto_pad(convs[2], "VALID", [0, 0, 0, 0])
    weight = convs[1].input[1]
    tensor = next(t for t in graph.initializer if t.name == weight)
    graph.initializer.remove(tensor)
    for value_info in list(graph.input):
        if value_info.name == weight:
            graph.input.remove(value_info)
    constant = onnx.helper.make_node("Constant", [], [weight], name="conv2_weight", value=tensor)
    graph.node.insert(list(graph.node).index(convs[1]), constant)
    return proto


def fold_pads(proto, opset):
    """Each Pad's pads as one int64 initializer instead of the subgraph torch.onnx writes from
    opset 11 on (ConstantOfShape, Concat, Reshape, Slice, Transpose, Cast over Constant nodes), as
    graph simplifiers and other exporters write it; the subgraph is removed. The values are those
    of PadConv: F.pad (left, right, top, bottom) = (2, 2, 1, 1), then (1, 1, 1, 1)."""
    graph = proto.graph
    pads = [n for n in graph.node if n.op_type == "Pad"]
    assert len(pads) == 2, [n.op_type for n in graph.node]
    for node, value in zip(pads, ([0, 0, 1, 2, 0, 0, 1, 2], [0, 0, 1, 1, 0, 0, 1, 1])):
        name = node.name + "_pads"
        graph.initializer.append(onnx.numpy_helper.from_array(np.array(value, np.int64), name))
        node.input[1] = name
        while node.input and node.input[-1] == "":  # an omitted constant_value: zeros
            del node.input[-1]
    # Keep only the nodes the outputs depend on.
    needed = {o.name for o in graph.output}
    kept = []
    for node in reversed(list(graph.node)):
        if any(o in needed for o in node.output):
            kept.append(node)
            needed.update(node.input)
    del graph.node[:]
    graph.node.extend(reversed(kept))
    return proto


# ---------------------------------------------------------------------------------------------
# Small models, one operator each


class Lrn(torch.autograd.Function):
    """Local response normalisation exported as one ONNX LRN node (torch.onnx writes
    nn.LocalResponseNorm as a pad + average pool composite). PyTorch and ONNX agree on the
    formula, y = x / (k + alpha/size * sum of x^2 over `size` channels)^beta, and, for odd sizes,
    on the window."""

    @staticmethod
    def forward(ctx, x, size, alpha, beta, k):
        return F.local_response_norm(x, size, alpha=alpha, beta=beta, k=k)

    @staticmethod
    def symbolic(g, x, size, alpha, beta, k):
        return g.op("LRN", x, size_i=size, alpha_f=alpha, beta_f=beta, bias_f=k)


class LrnLayer(nn.Module):
    def __init__(self, size, alpha, beta, k):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, x):
        return Lrn.apply(x, self.size, self.alpha, self.beta, self.k)


class Branches(nn.Module):
    """Two or three convolutions of the same input, concatenated along channels."""

    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 4, 1)
        self.b = nn.Conv2d(3, 6, 3, padding=1)
        self.c = nn.Conv2d(3, 2, 5, padding=2)

    def forward(self, x):
        y = torch.relu(torch.cat([self.a(x), self.b(x)], 1))
        z = torch.cat([y, self.c(x), self.a(x)], 1)
        return torch.flatten(z, 1)


class Residual(nn.Module):
    """relu(conv(relu(conv(x))) + x), then a projected second unit: Add of two branches."""

    def __init__(self):
        super().__init__()
        self.conv0 = nn.Conv2d(3, 4, 1)
        self.conv1 = nn.Conv2d(4, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 4, 3, padding=1)
        self.conv3 = nn.Conv2d(4, 8, 3, stride=2, padding=1)
        self.project = nn.Conv2d(4, 8, 1, stride=2)

    def forward(self, x):
        x = self.conv0(x)
        y = torch.relu(self.conv2(torch.relu(self.conv1(x))) + x)
        z = torch.relu(self.conv3(y) + self.project(y))
        return torch.flatten(z, 1)


class ViewHead(nn.Module):
    """A convolution, then x.view(x.size(0), -1) (an ONNX Reshape) instead of Flatten."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.fc = nn.Linear(4 * 6 * 6, 10)

    def forward(self, x):
        y = torch.relu(self.conv(x))
        return self.fc(y.view(y.size(0), -1))


class MatMulHead(nn.Module):
    """x.flatten(1) @ W + b twice (ONNX MatMul then Add), not nn.Linear (Gemm)."""

    def __init__(self):
        super().__init__()
        self.w1 = nn.Parameter(torch.randn(3 * 6 * 6, 32) * 0.1)
        self.b1 = nn.Parameter(torch.randn(32) * 0.1)
        self.w2 = nn.Parameter(torch.randn(32, 10) * 0.2)
        self.b2 = nn.Parameter(torch.randn(10) * 0.1)

    def forward(self, x):
        y = torch.relu(x.flatten(1) @ self.w1 + self.b1)
        return y @ self.w2 + self.b2


class PadConv(nn.Module):
    """F.pad (an ONNX Pad: attribute before opset 11, input from 11) before unpadded convolutions,
    once with different padding per axis."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 3)
        self.conv2 = nn.Conv2d(6, 4, 3)

    def forward(self, x):
        y = torch.relu(self.conv1(F.pad(x, (2, 2, 1, 1))))
        return torch.flatten(self.conv2(F.pad(y, (1, 1, 1, 1))), 1)


def with_random_statistics(bn, generator):
    """Batch norm with running statistics, scale and shift far from their initial values."""
    c = bn.num_features
    with torch.no_grad():
        bn.running_mean.copy_(torch.randn(c, generator=generator) * 0.5)
        bn.running_var.copy_(torch.rand(c, generator=generator) * 1.5 + 0.5)
        bn.weight.copy_(torch.randn(c, generator=generator))
        bn.bias.copy_(torch.randn(c, generator=generator))
    return bn


def calibrate_batch_norms(model, generator, shape):
    """Batch norms whose running statistics are those of the activations they see (measured on
    random images) and whose scale and shift are away from 1 and 0. Statistics drawn at random
    instead drown a deep network's signal in the shifts: GoogLeNet's outputs then hardly depend on
    its input, and a comparison of them would test little but the last bias."""
    norms = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    if not norms:
        return
    with torch.no_grad():
        for bn in norms:
            bn.reset_running_stats()
            bn.momentum = None  # a cumulative average over the calibration batch
            bn.weight.copy_(1 + 0.2 * torch.randn(bn.num_features, generator=generator))
            bn.bias.copy_(0.2 * torch.randn(bn.num_features, generator=generator))
        model.train()
        model(torch.randn((8,) + shape, generator=generator))
        model.eval()


def operator_cases():
    """(name, constructor, input shape, opsets, keyword arguments of write_case)."""

    def conv():
        return nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(),
            nn.Conv2d(8, 8, 3, padding=1, groups=2), nn.ReLU(),
            nn.Conv2d(8, 8, 3, padding=2, dilation=2, groups=8), nn.ReLU(),
            nn.Conv2d(8, 6, (3, 5), stride=(2, 1), padding=(1, 2), bias=False),
            nn.Conv2d(6, 4, 3, stride=2), nn.Flatten())

    def conv_transpose():
        return nn.Sequential(
            nn.ConvTranspose2d(3, 6, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
            nn.ConvTranspose2d(6, 3, 3, dilation=2, bias=False), nn.Flatten())

    def activation_net(first, second, third):
        return nn.Sequential(
            nn.Conv2d(3, 6, 3, padding=1), first, nn.MaxPool2d(2), second, nn.Flatten(),
            nn.Linear(6 * 6 * 6, 10), third)

    def maxpool_ceil():
        # 16 -> 8 (ceil; floor gives 7) -> 8 (3/1 pad 1) -> 3 (floor) -> 2 (ceil, whose last
        # window would start in the right padding and is dropped)
        return nn.Sequential(
            nn.Conv2d(3, 6, 3, padding=1),
            nn.MaxPool2d(3, 2, ceil_mode=True), nn.MaxPool2d(3, 1, padding=1, ceil_mode=True),
            nn.MaxPool2d(3, 2), nn.MaxPool2d(2, 2, padding=1, ceil_mode=True), nn.Flatten())

    def avgpool():
        # 15 -> 8 (3/2 pad 1, padding counted) -> 8 (3/1 pad 1) -> 4 (2/2, no padding to count)
        return nn.Sequential(
            nn.Conv2d(3, 6, 3, padding=1),
            nn.AvgPool2d(3, 2, padding=1, count_include_pad=True),
            nn.AvgPool2d(3, 1, padding=1, count_include_pad=True),
            nn.AvgPool2d(2, 2, padding=0, count_include_pad=False), nn.Flatten())

    def lrn():
        # alpha large enough that alpha vs alpha/size would show
        return nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), LrnLayer(5, 0.5, 0.75, 1.0),
            nn.Conv2d(8, 8, 3, padding=1), LrnLayer(3, 0.2, 0.5, 2.0), nn.Flatten())

    def batchnorm():
        g = torch.Generator().manual_seed(11)
        # The first batch norm follows a convolution, so the export folds it into it; the second
        # follows a pool and stays a BatchNormalization node, with eps 1e-3.
        return nn.Sequential(
            nn.Conv2d(3, 6, 3, padding=1), with_random_statistics(nn.BatchNorm2d(6), g), nn.ReLU(),
            nn.MaxPool2d(2), with_random_statistics(nn.BatchNorm2d(6, eps=1e-3), g), nn.Flatten())

    def dropout():
        return nn.Sequential(nn.Flatten(), nn.Linear(3 * 6 * 6, 32), nn.ReLU(), nn.Dropout(0.5),
                             nn.Linear(32, 10))

    def softmax():
        return nn.Sequential(nn.Flatten(), nn.Linear(3 * 6 * 6, 10), nn.Softmax(dim=1))

    def flatten():
        return nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 10))

    def global_avgpool():
        return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                             nn.Flatten(), nn.Linear(8, 10))

    def constant_autopad():
        return nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), nn.ReLU(),
                             nn.Conv2d(6, 6, 3, padding=1), nn.ReLU(), nn.Conv2d(6, 4, 3),
                             nn.Flatten(), nn.Linear(4 * 6 * 6, 10))

    return [
        ("conv", conv, (3, 15, 15), (9, 17), {}),
        ("conv_transpose", conv_transpose, (3, 7, 7), (9, 13), {}),
        ("leaky_relu", lambda: activation_net(nn.LeakyReLU(0.1), nn.LeakyReLU(0.3),
                                              nn.LeakyReLU(0.01)), (3, 12, 12), (9, 14), {}),
        ("sigmoid", lambda: activation_net(nn.Sigmoid(), nn.Sigmoid(), nn.Sigmoid()),
         (3, 12, 12), (9, 16), {}),
        ("tanh", lambda: activation_net(nn.Tanh(), nn.Tanh(), nn.Tanh()), (3, 12, 12), (9, 15), {}),
        ("maxpool_ceil", maxpool_ceil, (3, 16, 16), (9, 17), {}),
        ("avgpool", avgpool, (3, 15, 15), (9, 12), {}),
        ("lrn", lrn, (3, 10, 10), (9, 13), {}),
        ("batchnorm", batchnorm, (3, 8, 8), (9, 15), {}),
        ("dropout", dropout, (3, 6, 6), (9, 13), {"edit": add_dropout_and_identity}),
        ("softmax", softmax, (3, 6, 6), (9, 13), {"softmax": True}),
        ("flatten", flatten, (3, 8, 8), (9, 13), {}),
        ("reshape", ViewHead, (3, 8, 8), (9, 14), {}),
        ("matmul", MatMulHead, (3, 6, 6), (9, 13), {}),
        ("pad", PadConv, (3, 10, 10), (9, 11), {}),
        ("pad_folded", PadConv, (3, 10, 10), (13,), {"edit": fold_pads}),
        ("concat", Branches, (3, 8, 8), (9, 13), {}),
        ("add", Residual, (3, 8, 8), (9, 14), {}),
        ("global_avgpool", global_avgpool, (3, 8, 8), (9, 17), {}),
        ("constant_autopad", constant_autopad, (3, 8, 8), (9, 11), {"edit": constant_and_auto_pad}),
    ]


# ---------------------------------------------------------------------------------------------
# LeNet-5 on Fashion-MNIST


class LeNet5(nn.Module):
    """The engine zoo's modern LeNet-5 (io.vigil.engine.zoo.LeNet5), layer for layer."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(torch.relu(self.conv1(x)), 2, 2)
        x = F.max_pool2d(torch.relu(self.conv2(x)), 2, 2)
        x = torch.flatten(x, 1)
        x = torch.relu(self.fc1(x))
        x = torch.relu(self.fc2(x))
        return self.fc3(x)


def read_idx(base_name):
    """An IDX file of the Fashion-MNIST directory, plain or gzip-compressed, as a numpy array."""
    for name, opener in ((base_name, open), (base_name + ".gz", gzip.open)):
        path = os.path.join(FASHION_MNIST, name)
        if os.path.isfile(path):
            with opener(path, "rb") as f:
                data = f.read()
            dims = data[3]
            shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
            return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
    raise FileNotFoundError(
        f"Fashion-MNIST file missing: neither {base_name} nor {base_name}.gz in {FASHION_MNIST}"
        " (Debian package dataset-fashion-mnist)")


def images(base_name):
    """Pixels / 255 as float32 N x 1 x 28 x 28 (ToTensor's convention: no mean, no std)."""
    return torch.from_numpy(read_idx(base_name).astype(np.float32) / np.float32(255)).unsqueeze(1)


def lenet5_case(out_dir):
    train_x = images("train-images-idx3-ubyte")
    train_y = torch.from_numpy(read_idx("train-labels-idx1-ubyte").astype(np.int64))
    test_x = images("t10k-images-idx3-ubyte")
    test_y = torch.from_numpy(read_idx("t10k-labels-idx1-ubyte").astype(np.int64))
    torch.manual_seed(5)
    model = LeNet5()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.03, momentum=0.9)
    order = torch.randperm(len(train_x), generator=torch.Generator().manual_seed(6))
    model.train()
    for first in range(0, len(order), 64):
        batch = order[first:first + 64]
        optimizer.zero_grad()
        loss = F.cross_entropy(model(train_x[batch]), train_y[batch])
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        predictions = torch.cat([model(test_x[i:i + 1000]).argmax(1)
                                 for i in range(0, len(test_x), 1000)])
    predictions.numpy().astype(np.uint8).tofile(os.path.join(out_dir, "lenet5.predictions.bin"))
    correct = int((predictions == test_y).sum())
    return write_case(out_dir, "lenet5", model, (1, 28, 28), 10, 51, extra={
        "test_images": len(test_x), "test_correct": correct,
        "test_accuracy": correct / len(test_x)})


# ---------------------------------------------------------------------------------------------


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_fixtures.py OUT_DIR")
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(2)
    start = time.monotonic()
    cases = []

    def timed(entry):
        print(f"{entry['name']:<28} opset {entry['opset']:>2}  {time.monotonic() - start:6.1f} s",
              flush=True)
        cases.append(entry)

    for name, make, shape, opsets, options in operator_cases():
        for opset in opsets:
            torch.manual_seed(len(cases) + 1)
            timed(write_case(out_dir, f"{name}_op{opset}", make(), shape, opset, 100 + len(cases),
                             **options))

    timed(lenet5_case(out_dir))
    nets = [
        ("alexnet", lambda: torchvision.models.alexnet(num_classes=10), 9, {}),
        ("vgg11", lambda: torchvision.models.vgg11(num_classes=10), 11, {}),
        ("googlenet", lambda: torchvision.models.googlenet(
            num_classes=10, aux_logits=False, init_weights=True, transform_input=False), 13, {}),
        ("resnet18", lambda: torchvision.models.resnet18(num_classes=10), 17,
         {"dynamic_batch": True}),
        ("resnet18_bn", lambda: torchvision.models.resnet18(num_classes=10), 15,
         {"training": PRESERVE}),
    ]
    for name, make, opset, options in nets:
        torch.manual_seed(1000 + len(cases))
        model = make()
        calibrate_batch_norms(model, torch.Generator().manual_seed(len(cases)), shape=(3, 224, 224))
        timed(write_case(out_dir, name, model, (3, 224, 224), opset, 2000 + len(cases), **options))

    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump({"batch": BATCH, "torch": torch.__version__, "onnx": onnx.__version__,
                   "cases": cases}, f, indent=1)
    print(f"{len(cases)} cases in {time.monotonic() - start:.1f} s")


if __name__ == "__main__":
    main()
