#!/usr/bin/env bash
# What the retraining gate makes of a clip of people's labels: the labeling queue over a quarter of
# the inverted part of the sample scene-change clip (four disjoint quarters), its frames labeled
# with their true labels, one retraining per quarter and fine-tune (the default, config/serve.conf's
# and two between). Prints each verdict. Needs dataset-fashion-mnist.
# Usage: bench/pipeline/labeling-gate.sh   (from anywhere; about two minutes on 2 cores)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
mvn -B -q -o -pl pipeline -am test-compile
mvn -B -q -o -pl pipeline dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
  -Dmdep.includeScope=test >/dev/null
cp="engine/target/classes:pipeline/target/test-classes:pipeline/target/classes"
cp="$cp:$(cat pipeline/target/bench-classpath.txt)"
exec java -Xmx2g --add-modules jdk.incubator.vector -cp "$cp" \
  io.vigil.pipeline.bench.LabelingGateBench "$@"
