#!/usr/bin/python3
"""The OpenCL benchmark's peer: OpenCV DNN's own OpenCL target on the same device.

Exports LeNet-5 (1x28x28) and ResNet-18 (3x224x224) exactly as the engine's zoo builds them (the
definitions of bench/engine/peers.py and peers_nets.py), with random weights, from PyTorch to ONNX,
and times cv2.dnn inference with DNN_BACKEND_OPENCV on DNN_TARGET_OPENCL and, for reference,
DNN_TARGET_CPU, at the batch sizes of bench/opencl (LeNet-5 1, 32, 256; ResNet-18 1, 8). Each
figure is the best of ROUNDS timings of at least SECONDS, the two targets alternating, as in
OpenClBench. Both targets must agree with PyTorch before they are timed.

OpenCV runs its OpenCL target only where it is sure it works, and otherwise runs on the CPU with a
warning; this script says so in its output instead of printing CPU figures as OpenCL ones:
  - OpenCV picks an OpenCL device by OPENCV_OPENCL_DEVICE ("platform:type:name"); by default it
    wants a GPU. --device NAME (what bench/opencl/run.sh passes: the device vigil's bench ran on)
    sets it to ":ALL:NAME" unless the variable is already set.
  - OpenCV DNN tests its OpenCL target on Intel GPUs only and switches any other device to the CPU
    unless OPENCV_DNN_OPENCL_ALLOW_ALL_DEVICES=1, which this script sets (and reports).
  - The switch is detected from OpenCV's own warning during the first forward pass.

With --vigil FILE (the output of OpenClBench on the same machine in the same run), it also prints
vigil's OpenCL images/s next to OpenCV's and their ratio.

Usage: opencv_dnn.py [lenet|resnet|all] [--device NAME] [--vigil FILE]
Run with /usr/bin/python3 (Debian's python3-opencv and python3-torch).
"""
import argparse
import os
import re
import sys
import tempfile
import time

# OpenCV reads these when it first touches OpenCL, so they are set before cv2 is imported.
ALLOW_ALL = "OPENCV_DNN_OPENCL_ALLOW_ALL_DEVICES"


def configure_opencl(device_name):
    os.environ.setdefault(ALLOW_ALL, "1")
    if device_name and "OPENCV_OPENCL_DEVICE" not in os.environ:
        os.environ["OPENCV_OPENCL_DEVICE"] = ":ALL:" + device_name


ROUNDS = 3
SECONDS = 0.5
BATCHES = {"lenet": (1, 32, 256), "resnet": (1, 8)}
# Phrases of OpenCV 4.x's warnings when DNN leaves the OpenCL target for the CPU.
FALLBACK = re.compile(r"switching to CPU|fall ?back to CPU", re.IGNORECASE)


class NativeOutput:
    """Captures what native code writes to file descriptors 1 and 2 (OpenCV's warnings and its
    kernel build logs) into a string, and passes it on to stderr, so nothing OpenCV says is hidden
    and the figures on stdout stay a table."""

    def __enter__(self):
        sys.stdout.flush()
        sys.stderr.flush()
        self.file = tempfile.TemporaryFile(mode="w+b")
        self.saved = [os.dup(1), os.dup(2)]
        os.dup2(self.file.fileno(), 1)
        os.dup2(self.file.fileno(), 2)
        return self

    def __exit__(self, *exc):
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, saved in zip((1, 2), self.saved):
            os.dup2(saved, fd)
            os.close(saved)
        self.file.seek(0)
        self.text = self.file.read().decode("utf-8", "replace")
        self.file.close()
        sys.stderr.write(self.text)
        return False


def randomise_batch_norm(model):
    """Random scales, shifts and running statistics for every batch norm, as a trained network has.
    With PyTorch's defaults (1, 0, 0, 1) the exporter folds them into identical zero biases, shares
    one tensor through Identity nodes, and OpenCV 4.6 cannot read those."""
    import torch
    generator = torch.Generator().manual_seed(11)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            with torch.no_grad():
                c = m.num_features
                m.weight.copy_(0.5 + torch.rand(c, generator=generator))
                m.bias.copy_(0.1 * torch.randn(c, generator=generator))
                m.running_mean.copy_(0.1 * torch.randn(c, generator=generator))
                m.running_var.copy_(0.5 + torch.rand(c, generator=generator))
    return model


def export(model, shape, path):
    import torch
    torch.onnx.export(model, torch.randn(1, *shape), path, input_names=["x"],
                      output_names=["logits"], dynamic_axes={"x": {0: "n"}, "logits": {0: "n"}},
                      opset_version=11)


def images_per_second(net, blob):
    """Images/s of setInput + forward, repeated for at least SECONDS and at least once."""
    start = time.perf_counter()
    calls = 0
    while True:
        net.setInput(blob)
        net.forward()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= SECONDS:
            return calls * blob.shape[0] / elapsed


def load(cv2, path, target):
    net = cv2.dnn.readNetFromONNX(path)
    net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    net.setPreferableTarget(target)
    return net


def vigil_rows(path):
    """{(network, batch): vigil OpenCL images/s} from OpenClBench's tables."""
    rows = {}
    section = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("| LeNet-5 inference"):
                section = "lenet"
            elif line.startswith("| ResNet-18 inference"):
                section = "resnet"
            elif not line.startswith("| batch"):
                section = None if not line.startswith("|---") else section
            m = re.match(r"\| batch (\d+) \| ([\d,.]+) \| ([\d,.]+) \|", line)
            if section and m:
                rows[(section, int(m.group(1)))] = float(m.group(3).replace(",", ""))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", nargs="?", default="all", choices=["lenet", "resnet", "all"])
    parser.add_argument("--device", default="", help="OpenCL device name (part of it)")
    parser.add_argument("--vigil", help="OpenClBench output of the same run")
    args = parser.parse_args()
    configure_opencl(args.device)

    import numpy as np
    import torch
    import cv2
    # The networks as bench/engine defines them; no bytecode files left in that directory.
    sys.dont_write_bytecode = True
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "engine"))
    from peers import lenet5
    from peers_nets import resnet18

    torch.manual_seed(7)
    cv2.ocl.setUseOpenCL(True)
    device = cv2.ocl.Device.getDefault()
    print("# OpenCV %s, %d threads; %s=%s, OPENCV_OPENCL_DEVICE=%s"
          % (cv2.__version__, cv2.getNumThreads(), ALLOW_ALL, os.environ.get(ALLOW_ALL),
             os.environ.get("OPENCV_OPENCL_DEVICE", "(unset)")))
    opencl = cv2.ocl.useOpenCL() and device.available()
    if opencl:
        print("# OpenCV OpenCL device: %s [%s], %s" % (device.name(), device.vendorName(),
                                                        device.version()))
    else:
        print("# OpenCV has no usable OpenCL device: OpenCL rows left out (CPU target only)")
    vigil = vigil_rows(args.vigil) if args.vigil else {}

    nets = {"lenet": ("LeNet-5, 1x28x28", lenet5, (1, 28, 28)),
            "resnet": ("ResNet-18, 3x224x224", resnet18, (3, 224, 224))}
    chosen = ["lenet", "resnet"] if args.what == "all" else [args.what]
    with tempfile.TemporaryDirectory() as tmp:
        for key in chosen:
            title, build, shape = nets[key]
            model = randomise_batch_norm(build()).eval()
            path = os.path.join(tmp, key + ".onnx")
            export(model, shape, path)
            cpu = load(cv2, path, cv2.dnn.DNN_TARGET_CPU)
            ocl = load(cv2, path, cv2.dnn.DNN_TARGET_OPENCL) if opencl else None
            print("| OpenCV DNN %s | CPU target images/s | OpenCL target images/s | OpenCL / CPU"
                  " | vigil OpenCL images/s | vigil / OpenCV, OpenCL |" % title)
            print("|---|---|---|---|---|---|")
            for batch in BATCHES[key]:
                blob = np.random.default_rng(batch).standard_normal(
                    (batch, *shape), dtype=np.float32)
                with torch.no_grad():
                    expected = model(torch.from_numpy(blob)).numpy()
                timed = {"CPU": cpu, "OpenCL": ocl}
                for name, net in [("CPU", cpu)] + ([("OpenCL", ocl)] if ocl else []):
                    started = time.perf_counter()
                    with NativeOutput() as err:
                        net.setInput(blob)
                        got = net.forward()
                    warm = time.perf_counter() - started
                    if name == "OpenCL" and FALLBACK.search(err.text):
                        print("# OpenCV DNN left the OpenCL target for the CPU (%s): OpenCL rows"
                              " left out" % FALLBACK.search(err.text).group(0))
                        ocl = timed["OpenCL"] = None
                        continue
                    if not np.allclose(got, expected, atol=1e-3, rtol=1e-3):
                        print("# OpenCV DNN %s target disagrees with PyTorch on %s batch %d (max"
                              " difference %g): not timed"
                              % (name, key, batch, np.abs(got - expected).max()))
                        timed[name] = None
                        continue
                    if name == "OpenCL" and batch == BATCHES[key][0]:
                        print("# %s OpenCL target: first forward (kernel builds) %.1f s"
                              % (key, warm))
                best = {name: 0.0 for name, net in timed.items() if net}
                for _ in range(ROUNDS):
                    for name in best:
                        best[name] = max(best[name], images_per_second(timed[name], blob))
                c, o, mine = best.get("CPU"), best.get("OpenCL"), vigil.get((key, batch))
                print("| batch %d | %s | %s | %s | %s | %s |" % (
                    batch, rate(c), rate(o), "%.3f" % (o / c) if o and c else "–", rate(mine),
                    "%.1f" % (mine / o) if mine and o else "–"))
                sys.stdout.flush()


def rate(value):
    if not value:
        return "–"
    return "{:,.0f}".format(value) if value >= 100 else "{:,.1f}".format(value)


if __name__ == "__main__":
    main()
