#!/usr/bin/env bash
# How fast labeled clips become training data: makes 6,000-frame clips of inverted Fashion-MNIST
# training images (28x28 and 112x112 frames) and times LabeledClips.read into LeNet-5's input.
# Prints its figures. Usage: bench/pipeline/labeled-clips.sh   (from anywhere)
# Needs dataset-fashion-mnist.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
mvn -B -q -o -pl pipeline -am test-compile
mvn -B -q -o -pl pipeline dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
  -Dmdep.includeScope=test >/dev/null
# The engine's own build first, so the bench runs this tree's engine.
cp="engine/target/classes:pipeline/target/test-classes:pipeline/target/classes"
cp="$cp:$(cat pipeline/target/bench-classpath.txt)"
exec java -Xmx2g --add-modules jdk.incubator.vector -cp "$cp" \
  io.vigil.pipeline.bench.LabeledClipsBench "$@"
