#!/usr/bin/python3
"""torchvision's AlexNet, ResNet-18, GoogLeNet and VGG-16 (random weights from a fixed seed, 1000
classes, 3x224x224, batch axis symbolic) exported to ONNX for bench/engine/ort.sh, which imports
each into vigil and runs the same file in ONNX Runtime. PyTorch's default export (eval mode, opset
17): batch norms folded into their convolutions, as users' files usually are.
Usage: export_torchvision.py OUT_DIR [NAME ...]; an existing file is kept.
"""
import os
import sys

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch
import torchvision

NETS = {
    "alexnet": lambda: torchvision.models.alexnet(num_classes=1000),
    "resnet18": lambda: torchvision.models.resnet18(num_classes=1000),
    "googlenet": lambda: torchvision.models.googlenet(
        num_classes=1000, aux_logits=False, transform_input=False, init_weights=True),
    "vgg16": lambda: torchvision.models.vgg16(num_classes=1000),
}


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: export_torchvision.py OUT_DIR [NAME ...]")
    out = sys.argv[1]
    names = sys.argv[2:] or list(NETS)
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(2)
    for name in names:
        path = os.path.join(out, "tv-" + name + ".onnx")
        if os.path.exists(path):
            continue
        torch.manual_seed(7)
        model = NETS[name]().eval()
        x = torch.randn(1, 3, 224, 224)
        torch.onnx.export(model, x, path, opset_version=17, input_names=["input"],
                          output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
        print("wrote", path)


if __name__ == "__main__":
    main()
