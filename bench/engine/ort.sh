#!/usr/bin/env bash
# vigil beside ONNX Runtime 1.22.0 (its Java API: CPU provider, 2 intra-op threads, every graph
# optimisation) on exactly the graphs vigil runs, in one JVM: for each graph and batch the two
# runtimes' outputs are compared (max abs difference printed), then images/s of each are measured
# back to back (warm-up, then the median of 5 rounds of ~1 s) with vigil/ORT. Parts:
#   zoo          the zoo's LeNet-5 (batch 1, 32, 256), AlexNet, ResNet-18, GoogLeNet and VGG-16
#                (batch 1, 16) exported to ONNX by the exporter (vigil export);
#   torchvision  torchvision's AlexNet, ResNet-18, GoogLeNet and VGG-16 (batch 1, 16) exported by
#                PyTorch (bench/engine/export_torchvision.py, into target/bench-ort/) and imported
#                into vigil (vigil import); skipped without python3-torch and python3-torchvision;
#   profile      time per layer at batch 1 of the zoo's ResNet-18 and AlexNet in each runtime.
# Usage: bench/engine/ort.sh [zoo|torchvision|profile|all] (default all). ONNX Runtime's jar (139
# MB, native libraries for every platform) is a dependency of the bench module only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
what="${1:-all}"

echo "# vigil against ONNX Runtime, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs:" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# java: $(java -version 2>&1 | head -1)"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
mvn -B -q -pl bench -am compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
  -Dspotless.check.skip=true >"$log" 2>&1 || { cat "$log"; exit 1; }
cp="bench/target/classes:$(cat bench/target/classpath.txt)"
ort() {
  java -Xmx12g --add-modules jdk.incubator.vector -cp "$cp" io.vigil.bench.ort.OrtBench "$@" 2>&1 \
    | grep --line-buffered -v -e '^WARNING: Using incubator modules' -e '^SLF4J'
}

if [[ $what == all || $what == zoo ]]; then
  ort compare zoo:lenet5@1,32,256 zoo:alexnet@1,16 zoo:resnet18@1,16 zoo:googlenet@1,16 \
    zoo:vgg16@1,16
fi
if [[ $what == all || $what == torchvision ]]; then
  models="$PWD/target/bench-ort"
  if /usr/bin/python3 -c 'import torch, torchvision, onnx' 2>/dev/null; then
    /usr/bin/python3 bench/engine/export_torchvision.py "$models" >"$log" 2>&1 || { cat "$log"; exit 1; }
    ort compare "file:$models/tv-alexnet.onnx@1,16" "file:$models/tv-resnet18.onnx@1,16" \
      "file:$models/tv-googlenet.onnx@1,16" "file:$models/tv-vgg16.onnx@1,16"
  else
    echo "# torchvision graphs skipped: /usr/bin/python3 lacks torch, torchvision or onnx"
  fi
fi
if [[ $what == all || $what == profile ]]; then
  ort profile zoo:resnet18 zoo:alexnet
fi
