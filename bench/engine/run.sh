#!/usr/bin/env bash
# The engine benchmark: builds the engine's test classes, then prints, in one run on this machine,
#   - gemm: the FP32 peak and GEMM GFLOP/s with % of peak on 1 and 2 threads, on M=N=K=1024 and
#     the convolution shapes, then the plain-Java fallback on the 1024 square for scale: JMH
#     benchmarks of the bench module, through bench/engine/jmh.sh (which runs the other kernel
#     benchmarks too: convolution paths, pooling),
#   - LeNet-5 inference images/s at batch 1, 32, 256: engine, PyTorch, OpenCV DNN,
#   - AlexNet (3x227x227) and ResNet-18 (3x224x224) inference images/s at batch 1 and 16: the same,
#   - LeNet-5 training s/epoch on Fashion-MNIST, batch 64: engine and PyTorch,
#   - ort: vigil beside ONNX Runtime on the same ONNX graphs, through bench/engine/ort.sh (LeNet-5,
#     AlexNet, ResNet-18, GoogLeNet, VGG-16; the zoo's exported and torchvision's imported; the
#     per-layer profiles of ResNet-18 and AlexNet).
# Usage: bench/engine/run.sh [gemm|lenet|nets|train|ort|all] (default all). Peers need Debian's
# python3-torch, python3-opencv, python3-onnx and libopenblas0-pthread (without OpenBLAS,
# PyTorch's linear layers fall back to the reference BLAS and run 10x slower).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
what="${1:-all}"
threads=2
export OPENBLAS_NUM_THREADS=1 # PyTorch's OpenMP threads fight OpenBLAS's own otherwise

echo "# vigil engine benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs:" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" \
  "(family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "model $(grep -m1 '^model\s' /proc/cpuinfo | cut -d: -f2 | xargs)), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# java: $(java -version 2>&1 | head -1)"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
mvn -B -q -pl engine test-compile >"$log" 2>&1 || { cat "$log"; exit 1; }
cpfile="$PWD/engine/target/bench-classpath.txt"
mvn -B -q -pl engine dependency:build-classpath -Dmdep.outputFile="$cpfile" >"$log" 2>&1 || { cat "$log"; exit 1; }
cp="engine/target/classes:engine/target/test-classes:$(cat "$cpfile")"
# bench [-Dprop=value ...] MODE [ARGS]: JVM properties first, then EngineBench's arguments.
bench() {
  local opts=()
  while [[ $1 == -D* ]]; do opts+=("$1"); shift; done
  java -Xmx2g --add-modules jdk.incubator.vector ${opts[@]+"${opts[@]}"} -cp "$cp" \
    io.vigil.engine.bench.EngineBench "$@" 2>&1 \
    | grep -v -e '^WARNING: Using incubator modules' -e '^SLF4J'
}
peers_ok=1
/usr/bin/python3 -c 'import torch, cv2' 2>/dev/null || {
  peers_ok=0
  echo "# peers skipped: /usr/bin/python3 lacks torch or cv2 (apt-get install python3-torch python3-opencv python3-onnx libopenblas0-pthread)"
}

if [[ $what == all || $what == gemm ]]; then
  shapes=square-1024,lenet-conv1-b256,lenet-conv2-b256,alexnet-conv1,alexnet-conv2,alexnet-conv3
  shapes+=,alexnet-conv4,alexnet-conv5,resnet18-conv1,resnet18-layer1,resnet18-layer2,resnet18-layer3
  shapes+=,resnet18-layer4,resnet18-layer2-s2,resnet18-layer3-s2,resnet18-layer4-s2
  shapes+=,resnet18-layer2-1x1s2,resnet18-layer3-1x1s2,resnet18-layer4-1x1s2,resnet18-layer1-b16
  bench/engine/jmh.sh 'Fp32Peak|GemmBench' -p shape="$shapes" -wi 3 -w 1s -i 3 -r 500ms
  # The plain-Java fallback, for scale.
  bench/engine/jmh.sh GemmBench -p shape=square-1024 -p threads="$threads" \
    -jvmArgsPrepend -Dvigil.gemm=scalar | tail -n +3
fi
if [[ $what == all || $what == lenet ]]; then
  bench lenet
  if [[ $peers_ok == 1 ]]; then
    /usr/bin/python3 bench/engine/peers.py "$threads" 2>&1 | grep -v -i warn
  fi
fi
if [[ $what == all || $what == nets ]]; then
  bench nets
  if [[ $peers_ok == 1 ]]; then
    /usr/bin/python3 bench/engine/peers_nets.py "$threads" 2>&1 | grep -v -i warn
  fi
fi
if [[ $what == all || $what == train ]]; then
  bench train
  if [[ $peers_ok == 1 ]]; then
    /usr/bin/python3 bench/engine/train_torch.py /usr/share/datasets/fashion-mnist "$threads" 2>&1 | grep -v -i warn
  fi
fi
if [[ $what == all || $what == ort ]]; then
  bench/engine/ort.sh all
fi
