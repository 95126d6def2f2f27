#!/usr/bin/python3
"""Peers of the engine benchmark: PyTorch and OpenCV DNN on the same LeNet-5 (random weights).

Prints, in the format of EngineBench, images/s at batch 1, 32 and 256 (median [min-max] of five
timed rounds of at least 0.4 s after a 0.8 s warm-up) and PyTorch's GEMM GFLOP/s at
M=N=K=1024. Run with /usr/bin/python3 (Debian's python3-torch, python3-opencv) and
OPENBLAS_NUM_THREADS=1; PyTorch gets 2 threads. Usage: peers.py [threads]
"""
import os
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn as nn
import cv2

ROUNDS = 5
ROUND_SECONDS = 0.4


def lenet5():
    """The engine's io.vigil.engine.zoo.LeNet5: conv 5x5x6 pad 2, pool, conv 5x5x16, pool, 120, 84, 10."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))


def measure(units_per_call, call):
    end = time.perf_counter() + 0.8
    while time.perf_counter() < end:
        call()
    rates = []
    cpu_rates = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        cpu_start = time.process_time()
        calls = 0
        while True:
            call()
            calls += 1
            now = time.perf_counter()
            if now - start >= ROUND_SECONDS:
                break
        rates.append(calls * units_per_call / (now - start))
        cpu_rates.append(calls * units_per_call / (time.process_time() - cpu_start))
    rates.sort()
    cpu_rates.sort()
    return rates, cpu_rates


def fmt(measured, unit=1.0):
    """median [min-max] of the wall rates, then the median per second of process CPU time."""
    rates, cpu_rates = measured
    return "%9.1f [%.1f-%.1f]  per CPU-s %9.1f" % (
        rates[len(rates) // 2] / unit, rates[0] / unit, rates[-1] / unit,
        cpu_rates[len(cpu_rates) // 2] / unit)


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    torch.set_num_threads(threads)
    torch.manual_seed(7)
    print("# peers: torch %s (%d threads, OPENBLAS_NUM_THREADS=%s), OpenCV %s"
          % (torch.__version__, torch.get_num_threads(), os.environ.get("OPENBLAS_NUM_THREADS"),
             cv2.__version__))

    a = torch.randn(1024, 1024)
    b = torch.randn(1024, 1024)
    print("torch gemm square 1024 GFLOP/s %s" % fmt(measure(2.0 * 1024 ** 3, lambda: torch.mm(a, b)), 1e9))

    model = lenet5().eval()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "lenet5.onnx")
        torch.onnx.export(model, torch.randn(1, 1, 28, 28), path, input_names=["x"],
                          output_names=["logits"], dynamic_axes={"x": {0: "n"}, "logits": {0: "n"}},
                          opset_version=11)
        net = cv2.dnn.readNetFromONNX(path)
    net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)

    for batch in (1, 32, 256):
        x = torch.randn(batch, 1, 28, 28)
        with torch.no_grad():
            expected = model(x).numpy()
            rates = measure(batch, lambda: model(x))
        print("torch  lenet5 batch %-4d images/s %s" % (batch, fmt(rates)))
        blob = x.numpy().copy()

        def run_cv():
            net.setInput(blob)
            return net.forward()

        got = run_cv()
        # The same network: OpenCV's output must agree with PyTorch's.
        if not np.allclose(got, expected, atol=1e-4, rtol=1e-3):
            raise SystemExit("OpenCV and PyTorch disagree at batch %d: max diff %g"
                             % (batch, np.abs(got - expected).max()))
        print("opencv lenet5 batch %-4d images/s %s" % (batch, fmt(measure(batch, run_cv))))


if __name__ == "__main__":
    main()
