#!/usr/bin/python3
"""Runs ONNX models with OpenCV's DNN module (CPU, its own backend), many in one process.

Usage: opencv_run.py DIR
DIR/cases.txt has one line per model, "NAME N C H W": the model DIR/NAME.onnx is run on
DIR/NAME.input.bin (N*C*H*W float32 little-endian, NCHW) and its first output written to
DIR/NAME.opencv.bin (float32 little-endian). A model OpenCV cannot read or run gets
DIR/NAME.error.txt with OpenCV's message instead; the others still run.
"""
import os
import sys

import cv2
import numpy as np


def run(directory, name, shape):
    x = np.fromfile(os.path.join(directory, name + ".input.bin"), dtype="<f4")
    if x.size != np.prod(shape):
        raise ValueError(f"{name}.input.bin holds {x.size} floats, expected {np.prod(shape)}")
    net = cv2.dnn.readNetFromONNX(os.path.join(directory, name + ".onnx"))
    net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
    net.setInput(x.reshape(shape))
    y = np.ascontiguousarray(net.forward(), dtype="<f4")
    y.tofile(os.path.join(directory, name + ".opencv.bin"))
    return y.shape


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: opencv_run.py DIR")
    directory = sys.argv[1]
    cv2.setNumThreads(2)
    with open(os.path.join(directory, "cases.txt")) as f:
        lines = [line.split() for line in f if line.strip()]
    for name, *dims in lines:
        try:
            print(name, "x".join(map(str, run(directory, name, tuple(int(d) for d in dims)))))
        except Exception as e:  # one model's failure is reported for that model alone
            with open(os.path.join(directory, name + ".error.txt"), "w") as out:
                out.write(f"{type(e).__name__}: {e}\n")
            print(name, "failed:", str(e).splitlines()[0] if str(e) else type(e).__name__)


if __name__ == "__main__":
    main()
