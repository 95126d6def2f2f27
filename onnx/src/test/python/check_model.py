"""Checks an ONNX file with ONNX's own checker, shape inference included.

Usage: check_model.py MODEL.onnx
Prints the IR version, the opset and the node count; exits non-zero if the checker refuses it.
"""

import sys

import onnx


def main(path):
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    opsets = ",".join(f"{o.domain or 'ai.onnx'}:{o.version}" for o in model.opset_import)
    print(f"ok ir={model.ir_version} opset={opsets} nodes={len(model.graph.node)}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: check_model.py MODEL.onnx")
    main(sys.argv[1])
