#!/usr/bin/python3
"""torchvision's ResNet-18 (random weights from a fixed seed, 1000 classes, 3x224x224, batch axis
symbolic) exported to ONNX twice for bench/onnx/imported-vs-zoo.sh:
  OUT_DIR/resnet18.onnx     PyTorch's default export (eval mode, opset 17): each batch norm folded
                            into its convolution's weights and bias, as users' files usually are;
  OUT_DIR/resnet18_bn.onnx  the same weights with TrainingMode.PRESERVE: BatchNormalization nodes
                            kept.
Usage: export_resnet18.py OUT_DIR
"""
import os
import sys

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch
import torchvision


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: export_resnet18.py OUT_DIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(2)
    torch.manual_seed(7)
    model = torchvision.models.resnet18(num_classes=1000).eval()
    x = torch.randn(1, 3, 224, 224)
    axes = {"input": {0: "batch"}, "output": {0: "batch"}}
    for name, training in (("resnet18", torch.onnx.TrainingMode.EVAL),
                           ("resnet18_bn", torch.onnx.TrainingMode.PRESERVE)):
        torch.onnx.export(model, x, os.path.join(out, name + ".onnx"), opset_version=17,
                          input_names=["input"], output_names=["output"], dynamic_axes=axes,
                          training=training)
        print("wrote", os.path.join(out, name + ".onnx"))


if __name__ == "__main__":
    main()
