#!/usr/bin/env bash
# The OpenCL benchmark: builds the opencl-kernels test classes, then prints, in one run, each
# figure of the OpenCL backend next to the CPU backend's: GEMM GFLOP/s, LeNet-5 inference
# images/s (batch 1, 32, 256), ResNet-18 inference images/s (batch 1, 8) and one short LeNet-5
# training epoch; and, on OpenCL alone, predict against submit/collect with two batches in flight
# (LeNet-5 batch 32, 256; ResNet-18 batch 1, 8); and `nets` (or one of resnet18, alexnet, vgg11):
# ResNet-18 and AlexNet inference at batch 1, 8, 32 and VGG-11 at 1, 8, both backends. For LeNet-5
# and ResNet-18 it then times the peer,
# OpenCV DNN's own OpenCL target (and its CPU target) on the same device with the same networks and
# batches (opencv_dnn.py, Debian's python3-opencv and python3-torch), and prints vigil's OpenCL
# figure from this same run next to it. Usage:
# bench/opencl/run.sh [gemm|lenet|resnet|nets|resnet18|alexnet|vgg11|pipelined|train|all|profile|winograd|layers] [DEVICE]
# (default all; default device: a GPU if any, else the first OpenCL device; DEVICE is an index or
# part of a device name). JAVA_OPTS adds JVM options, e.g. -Dvigil.opencl.winograd=false for the
# OpenCL backend without its Winograd path (an A/B run). `winograd` (not part of all) times the 3x3
# layers of ResNet-18, VGG-11 and AlexNet by Winograd against im2col + GEMM on the OpenCL device;
# `layers` (nor that) prints AlexNet's time per layer at batch 1 and 32, CPU and OpenCL side by side.
# Needs an OpenCL driver (on Debian: pocl-opencl-icd for the CPU).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
what="${1:-all}"
device="${2:-}"

echo "# vigil OpenCL benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs:" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# java: $(java -version 2>&1 | head -1)"

log="$(mktemp)"
out="$(mktemp)"
trap 'rm -f "$log" "$out"' EXIT
mvn -B -q -o -pl engine,opencl-kernels test-compile -Dspotless.check.skip=true >"$log" 2>&1 || { cat "$log"; exit 1; }
cpfile="$PWD/opencl-kernels/target/bench-classpath.txt"
mvn -B -q -o -pl engine,opencl-kernels dependency:build-classpath -Dmdep.outputFile="$cpfile" \
  -Dmdep.includeScope=test >"$log" 2>&1 || { cat "$log"; exit 1; }
cp="engine/target/classes:opencl-kernels/target/classes:opencl-kernels/target/test-classes:$(cat "$cpfile")"
# PoCL installs signal handlers of its own: without libjsig (and PoCL's SIGFPE handler off) a JVM
# that has used OpenCL can die with exit 139, as the tests' surefire configuration explains.
java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
LD_PRELOAD="$java_home/lib/libjsig.so" POCL_SIGFPE_HANDLER=0 \
  java -Xmx6g ${JAVA_OPTS:-} --add-modules jdk.incubator.vector -Dorg.lwjgl.opencl.libname=libOpenCL.so.1 \
  -cp "$cp" io.vigil.opencl.bench.OpenClBench "$what" "$device" 2>&1 \
  | grep -v -e '^WARNING: Using incubator modules' -e '^SLF4J' | tee "$out"

case "$what" in
  lenet | resnet | all) ;;
  *) exit 0 ;;
esac
if ! /usr/bin/python3 -c 'import cv2, torch' 2>/dev/null; then
  echo "# OpenCV DNN peer skipped: /usr/bin/python3 lacks cv2 or torch (python3-opencv, python3-torch)"
  exit 0
fi
name="$(sed -n 's/^# OpenCL device: #[0-9]* \(.*\) \[.*$/\1/p' "$out" | head -1)"
echo "# OpenCV DNN peer, load $(cut -d' ' -f1-3 /proc/loadavg)"
# OpenCV's own warnings (kernel build probes) go to stderr, shown only if the peer fails; its
# figures and verdicts (a switch from OpenCL to the CPU included) go to stdout.
/usr/bin/python3 bench/opencl/opencv_dnn.py "$what" --device "$name" --vigil "$out" 2>"$log" \
  || { cat "$log"; exit 1; }
