#!/usr/bin/env bash
# The OpenCL benchmark: builds the opencl-kernels test classes, then prints, in one run, each
# figure of the OpenCL backend next to the CPU backend's: GEMM GFLOP/s, LeNet-5 inference
# images/s (batch 1, 32, 256), ResNet-18 inference images/s (batch 1, 8) and one short LeNet-5
# training epoch. Usage: bench/opencl/run.sh [gemm|lenet|resnet|train|all] [DEVICE] (default all;
# default device: a GPU if any, else the first OpenCL device; DEVICE is an index or part of a
# device name). Needs an OpenCL driver (on Debian: pocl-opencl-icd for the CPU).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
what="${1:-all}"
device="${2:-}"

echo "# vigil OpenCL benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs:" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# java: $(java -version 2>&1 | head -1)"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
mvn -B -q -o -pl engine,opencl-kernels test-compile -Dspotless.check.skip=true >"$log" 2>&1 || { cat "$log"; exit 1; }
cpfile="$PWD/opencl-kernels/target/bench-classpath.txt"
mvn -B -q -o -pl engine,opencl-kernels dependency:build-classpath -Dmdep.outputFile="$cpfile" \
  -Dmdep.includeScope=test >"$log" 2>&1 || { cat "$log"; exit 1; }
cp="engine/target/classes:opencl-kernels/target/classes:opencl-kernels/target/test-classes:$(cat "$cpfile")"
java -Xmx2g --add-modules jdk.incubator.vector -Dorg.lwjgl.opencl.libname=libOpenCL.so.1 \
  -cp "$cp" io.vigil.opencl.bench.OpenClBench "$what" "$device" 2>&1 \
  | grep -v -e '^WARNING: Using incubator modules' -e '^SLF4J'
