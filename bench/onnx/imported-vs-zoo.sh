#!/usr/bin/env bash
# Imported against built-in: images/s of torchvision's ResNet-18 imported from ONNX (PyTorch's
# default export with batch norms folded, and the export that keeps them) next to the engine zoo's
# ResNet-18, on the CPU backend at batch 1 and 16, measured in one JVM with the rounds of the
# three interleaved so that a change in the machine's load touches all of them alike.
# Usage: bench/onnx/imported-vs-zoo.sh. Needs Debian's python3-torch and python3-torchvision to
# export the model (bench/onnx/export_resnet18.py, into target/bench-onnx/).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export OPENBLAS_NUM_THREADS=1

echo "# vigil ONNX import benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs:" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# java: $(java -version 2>&1 | head -1)"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
models="$PWD/target/bench-onnx"
/usr/bin/python3 bench/onnx/export_resnet18.py "$models" >"$log" 2>&1 || { cat "$log"; exit 1; }
mvn -B -q -o -pl engine,onnx test-compile -Dspotless.check.skip=true >"$log" 2>&1 || { cat "$log"; exit 1; }
cpfile="$PWD/onnx/target/bench-classpath.txt"
mvn -B -q -o -pl engine,onnx dependency:build-classpath -Dmdep.outputFile="$cpfile" \
  -Dmdep.includeScope=test >"$log" 2>&1 || { cat "$log"; exit 1; }
cp="engine/target/classes:onnx/target/classes:onnx/target/test-classes:$(cat "$cpfile")"
java -Xmx6g --add-modules jdk.incubator.vector -cp "$cp" io.vigil.onnx.bench.ImportedVsZoo \
  "$models/resnet18.onnx" "$models/resnet18_bn.onnx" 2>&1 \
  | grep -v -e '^WARNING: Using incubator modules' -e '^SLF4J'
