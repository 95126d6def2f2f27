#!/usr/bin/python3
"""Peers of the engine benchmark on large networks: PyTorch and OpenCV DNN running AlexNet and
ResNet-18 exactly as the engine's zoo builds them (io.vigil.engine.zoo.AlexNet: two-GPU columns as
2 groups, LRN, 3x227x227; io.vigil.engine.zoo.ResNet: ResNet-18, 3x224x224), random weights,
1000 classes, at batch 1 and 16. Same measuring rules and output format as peers.py.
Usage: peers_nets.py [threads]
"""
import os
import sys
import tempfile

import numpy as np
import onnx
import torch
import torch.nn as nn
import cv2

from peers import fmt, measure


class Lrn(torch.autograd.Function):
    """LRN as in the AlexNet paper, b = a / (k + alpha * sum)^beta over 5 channels. PyTorch and ONNX
    divide alpha by the window size, so it is given as 5 * 1e-4. The symbolic form exports one ONNX
    LRN node: PyTorch's own export (pad + average pool) is not read by OpenCV 4.6."""

    @staticmethod
    def forward(ctx, x):
        return nn.functional.local_response_norm(x, 5, alpha=5e-4, beta=0.75, k=2.0)

    @staticmethod
    def symbolic(g, x):
        return g.op("LRN", x, size_i=5, alpha_f=5e-4, beta_f=0.75, bias_f=2.0)


class LrnLayer(nn.Module):
    def forward(self, x):
        return Lrn.apply(x)


def alexnet():
    def lrn():
        return LrnLayer()

    return nn.Sequential(
        nn.Conv2d(3, 96, 11, stride=4), nn.ReLU(), lrn(), nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, 5, padding=2, groups=2), nn.ReLU(), lrn(), nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 384, 3, padding=1, groups=2), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1, groups=2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Flatten(),
        nn.Linear(256 * 6 * 6, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 1000))


class Basic(nn.Module):
    """A basic residual unit: two 3x3 conv + BN, a 1x1 projection when the shape changes."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
            nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout))
        # No nn.Identity for the plain skip: it exports an ONNX Identity node OpenCV 4.6 rejects.
        self.skip = (nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
                     if stride != 1 or cin != cout else None)

    def forward(self, x):
        return torch.relu(self.body(x) + (x if self.skip is None else self.skip(x)))


def resnet18():
    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
              nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for stage in range(4):
        cout = 64 << stage
        for unit in range(2):
            layers.append(Basic(cin, cout, 2 if stage > 0 and unit == 0 else 1))
            cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 1000)]
    return nn.Sequential(*layers)


def without_identity(path):
    """The ONNX file at path with its Identity nodes bypassed (PyTorch's exporter adds them for
    shared constants; OpenCV 4.6 rejects them)."""
    model = onnx.load(path)
    graph = model.graph
    alias = {n.output[0]: n.input[0] for n in graph.node if n.op_type == "Identity"}
    if not alias:
        return
    keep = [n for n in graph.node if n.op_type != "Identity"]
    for node in keep:
        for i, name in enumerate(node.input):
            while name in alias:
                name = alias[name]
            node.input[i] = name
    for out in graph.output:
        if out.name in alias:
            raise SystemExit("an Identity node produces the graph output; cannot bypass it")
    del graph.node[:]
    graph.node.extend(keep)
    onnx.save(model, path)


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    torch.set_num_threads(threads)
    torch.manual_seed(7)
    print("# peers: torch %s (%d threads, OPENBLAS_NUM_THREADS=%s), OpenCV %s"
          % (torch.__version__, torch.get_num_threads(), os.environ.get("OPENBLAS_NUM_THREADS"),
             cv2.__version__))
    for name, make, size in (("alexnet", alexnet, 227), ("resnet18", resnet18, 224)):
        model = make().eval()
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, name + ".onnx")
            torch.onnx.export(model, torch.randn(1, 3, size, size), path, input_names=["x"],
                              output_names=["logits"],
                              dynamic_axes={"x": {0: "n"}, "logits": {0: "n"}}, opset_version=11)
            without_identity(path)
            net = cv2.dnn.readNetFromONNX(path)
        net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
        net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
        for batch in (1, 16):
            x = torch.randn(batch, 3, size, size)
            with torch.no_grad():
                expected = model(x).numpy()
                rates = measure(batch, lambda: model(x))
            print("torch  %-8s 3x%dx%d batch %-4d images/s %s" % (name, size, size, batch, fmt(rates)))
            blob = x.numpy().copy()

            def run_cv():
                net.setInput(blob)
                return net.forward()

            got = run_cv()
            if not np.allclose(got, expected, atol=1e-3, rtol=1e-3):
                raise SystemExit("OpenCV and PyTorch disagree on %s at batch %d: max diff %g"
                                 % (name, batch, np.abs(got - expected).max()))
            print("opencv %-8s 3x%dx%d batch %-4d images/s %s"
                  % (name, size, size, batch, fmt(measure(batch, run_cv))))


if __name__ == "__main__":
    main()
