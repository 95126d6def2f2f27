#!/usr/bin/python3
"""PyTorch peer of the engine's training benchmark: LeNet-5 (the same network as peers.py and
io.vigil.engine.zoo.LeNet5) on Fashion-MNIST, batch 64, SGD lr 0.01 momentum 0.9 weight decay
5e-4 (the engine's TrainingConfig.defaults()), data in memory, inputs normalised with the
engine's mean and standard deviation. Prints seconds for each of two epochs (the first includes
warm-up) and the test accuracy. Usage: train_torch.py [dataset dir] [threads]
"""
import gzip
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peers import lenet5  # noqa: E402

MEAN, STD = 0.2860, 0.3530


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(directory, kind):
    images = idx(os.path.join(directory, "%s-images-idx3-ubyte.gz" % kind))
    labels = idx(os.path.join(directory, "%s-labels-idx1-ubyte.gz" % kind))
    x = torch.from_numpy(((images.astype(np.float32) / 255.0 - MEAN) / STD)[:, None, :, :].copy())
    return x, torch.from_numpy(labels.astype(np.int64))


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    x, y = load(directory, "train")
    tx, ty = load(directory, "t10k")
    model = lenet5()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    loss_fn = nn.CrossEntropyLoss()
    print("# torch %s training, %d threads, OPENBLAS_NUM_THREADS=%s, %d images, batch 64"
          % (torch.__version__, torch.get_num_threads(), os.environ.get("OPENBLAS_NUM_THREADS"),
             len(x)))
    for epoch in range(2):
        model.train()
        start = time.perf_counter()
        cpu_start = time.process_time()
        order = torch.randperm(len(x))
        for i in range(0, len(x) - 63, 64):
            batch = order[i:i + 64]
            optimizer.zero_grad()
            loss = loss_fn(model(x[batch]), y[batch])
            loss.backward()
            optimizer.step()
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu_start
        model.eval()
        with torch.no_grad():
            accuracy = (model(tx[:1000]).argmax(1) == ty[:1000]).float().mean().item()
        print("torch lenet5 train epoch (run %d%s) s/epoch %.2f  CPU-s %.2f  (test accuracy on 1000: %.3f)"
              % (epoch + 1, ", includes warm-up" if epoch == 0 else "", seconds, cpu_seconds,
                 accuracy))


if __name__ == "__main__":
    main()
