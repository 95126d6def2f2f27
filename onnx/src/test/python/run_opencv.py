"""Runs an ONNX model with OpenCV's DNN module on the CPU.

Usage: run_opencv.py MODEL.onnx INPUT.bin OUTPUT.bin N C H W
INPUT.bin holds N*C*H*W little-endian float32 values (NCHW); the model's first output is written
to OUTPUT.bin as little-endian float32, and its shape printed.
"""

import sys

import cv2
import numpy as np


def main(model, input_path, output_path, n, c, h, w):
    shape = (int(n), int(c), int(h), int(w))
    x = np.fromfile(input_path, dtype="<f4")
    if x.size != np.prod(shape):
        sys.exit(f"{input_path} holds {x.size} floats, expected {np.prod(shape)} for {shape}")
    net = cv2.dnn.readNetFromONNX(model)
    net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
    net.setInput(x.reshape(shape))
    y = np.ascontiguousarray(net.forward(), dtype="<f4")
    y.tofile(output_path)
    print("shape", "x".join(str(d) for d in y.shape))


if __name__ == "__main__":
    if len(sys.argv) != 8:
        sys.exit("usage: run_opencv.py MODEL.onnx INPUT.bin OUTPUT.bin N C H W")
    main(*sys.argv[1:])
