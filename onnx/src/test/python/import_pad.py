"""Exports a small PyTorch network that pads with F.pad and nn.ZeroPad2d before convolutions at
the given opsets, with one input batch and PyTorch's output for it. From opset 11 PyTorch writes
the pads as a computation on constants (ConstantOfShape, Concat, Reshape, Slice, Transpose,
Reshape, Cast) feeding Pad's pads input, not as one initializer.

usage: import_pad.py OUT_DIR OPSET...
writes OUT_DIR/pad-OPSET.onnx, OUT_DIR/pad.in and OUT_DIR/pad.out (little-endian float32)
"""
import sys

import torch
from torch import nn
from torch.nn import functional as F

torch.set_num_threads(2)
torch.manual_seed(0)


class Padded(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.pad = nn.ZeroPad2d(1)
        self.conv2 = nn.Conv2d(4, 2, 3, stride=2)

    def forward(self, x):
        x = torch.relu(self.conv(F.pad(x, (2, 2, 1, 1))))  # left, right, top, bottom
        return torch.flatten(self.conv2(self.pad(x)), 1)


def main():
    out = sys.argv[1]
    model = Padded().eval()
    x = torch.randn(2, 3, 9, 10)
    with torch.no_grad():
        y = model(x)
    for opset in sys.argv[2:]:
        torch.onnx.export(
            model,
            x,
            f"{out}/pad-{opset}.onnx",
            opset_version=int(opset),
            input_names=["input"],
            output_names=["logits"],
            dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
        )
    x.numpy().astype("<f4").tofile(f"{out}/pad.in")
    y.numpy().astype("<f4").tofile(f"{out}/pad.out")
    print("exported", y.shape)


if __name__ == "__main__":
    main()
