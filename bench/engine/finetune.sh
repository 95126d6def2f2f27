#!/usr/bin/env bash
# The fine-tune benchmark: builds the engine's test classes, then fine-tunes the shipped LeNet-5
# (models/lenet5-fashion.vgl) on 6,000 Fashion-MNIST training images changed by each appearance
# (inverted, dark-noise, contrast, rotated, blurred, shifted) with replay from the original training
# set, and prints per change: the base and the candidate on the changed test set, the original test
# accuracy before and after, the gate's verdict and the seconds the fine-tune took.
# Usage: bench/engine/finetune.sh [MODEL.vgl] [SETTINGS...]; a settings word is key=value pairs
# over the defaults, e.g. appearance=inverted,epochs=5,lr=1e-3 (see FineTuneBench's javadoc).
# bench/engine/finetune.sh sweep SETTINGS... also opens what the fine-tuner fixes (schedule,
# augmentation, weight decay, fixed or fresh replay; see FineTuneSweep's javadoc).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

echo "# vigil fine-tune benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs:" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# java: $(java -version 2>&1 | head -1)"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
mvn -B -q -pl engine test-compile >"$log" 2>&1 || { cat "$log"; exit 1; }
cpfile="$PWD/engine/target/bench-classpath.txt"
mvn -B -q -pl engine dependency:build-classpath -Dmdep.outputFile="$cpfile" >"$log" 2>&1 || { cat "$log"; exit 1; }
cp="engine/target/classes:engine/target/test-classes:$(cat "$cpfile")"
main=io.vigil.engine.bench.FineTuneBench
if [[ ${1:-} == sweep ]]; then
  main=io.vigil.engine.train.FineTuneSweep
  shift
fi
java -Xmx3g --add-modules jdk.incubator.vector -cp "$cp" "$main" "$@" 2>&1 \
  | grep --line-buffered -v -e '^WARNING: Using incubator modules' -e '^SLF4J'
