#!/usr/bin/env bash
# What the retraining gate makes of a clip of people's labels: the labeling queue over the inverted
# part of the sample scene-change clip, its frames labeled with their true labels, one retraining
# per clip size (50, 100, 200) with the default fine-tune and a gentler one. Prints each verdict.
# Usage: bench/pipeline/labeling-gate.sh   (from anywhere; about a minute on 2 cores)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
mvn -B -q -o -pl pipeline -am test-compile
mvn -B -q -o -pl pipeline dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
  -Dmdep.includeScope=test >/dev/null
cp="engine/target/classes:pipeline/target/test-classes:pipeline/target/classes"
cp="$cp:$(cat pipeline/target/bench-classpath.txt)"
exec java -Xmx2g --add-modules jdk.incubator.vector -cp "$cp" \
  io.vigil.pipeline.bench.LabelingGateBench "$@"
