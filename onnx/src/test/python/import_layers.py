"""Exports a small PyTorch network built from the layers whose ONNX forms the importer converts
(ceil-mode max pools, average pools counting padding, batch normalisation, grouped and dilated
convolutions, transposed convolutions, a view that keeps the batch, a trailing softmax) at the
given opsets, with one input batch and PyTorch's output for it. (PyTorch writes
LocalResponseNorm as a subgraph of Pow, Div and 3-D pooling, not as ONNX's LRN, so it is not
among them.)

usage: import_layers.py OUT_DIR OPSET...
writes OUT_DIR/layers-OPSET.onnx, OUT_DIR/layers.in and OUT_DIR/layers.out (little-endian float32)
"""
import sys

import torch
from torch import nn

torch.set_num_threads(2)
torch.manual_seed(0)


class Layers(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.pool = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.grouped = nn.Conv2d(8, 8, 3, padding=2, dilation=2, groups=4, bias=False)
        self.up = nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1)
        self.avg = nn.AvgPool2d(3, 1, padding=1)  # counts the padding, as vigil does
        self.fc = nn.Linear(4 * 14 * 14, 5)

    def forward(self, x):
        x = torch.relu(self.bn(self.conv(x)))
        x = self.pool(x)  # 14 → 7 with ceil_mode (6 without)
        x = nn.functional.leaky_relu(self.grouped(x), 0.1)
        x = torch.tanh(self.up(x))  # 7 → 14
        x = self.avg(x)
        # view(size(0), -1) rather than flatten: exported as Shape, Gather, Unsqueeze, Concat and
        # Reshape, the way many hand-written models flatten.
        return torch.softmax(self.fc(x.view(x.size(0), -1)), dim=1)


def main():
    out = sys.argv[1]
    model = Layers()
    # Batch norm statistics that are not the identity, so the import's conversion shows.
    with torch.no_grad():
        model.bn.running_mean.uniform_(-0.5, 0.5)
        model.bn.running_var.uniform_(0.5, 2.0)
        model.bn.weight.uniform_(0.5, 1.5)
        model.bn.bias.uniform_(-0.2, 0.2)
    model.eval()
    x = torch.randn(3, 3, 14, 14)
    with torch.no_grad():
        y = model(x)
    for opset in sys.argv[2:]:
        torch.onnx.export(
            model,
            x,
            f"{out}/layers-{opset}.onnx",
            opset_version=int(opset),
            input_names=["input"],
            output_names=["probs"],
            dynamic_axes={"input": {0: "N"}, "probs": {0: "N"}},
            # Keep batch norm as its own node (PyTorch would fold it into the convolution).
            training=torch.onnx.TrainingMode.PRESERVE,
            do_constant_folding=False,
        )
    x.numpy().astype("<f4").tofile(f"{out}/layers.in")
    y.numpy().astype("<f4").tofile(f"{out}/layers.out")
    print("exported", y.shape)


if __name__ == "__main__":
    main()
