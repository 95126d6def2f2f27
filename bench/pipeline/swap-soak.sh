#!/usr/bin/env bash
# The swap soak: 16 real-time streams of samples/fashion-clip.mp4 (looped, 30 fps) while two
# versions of models/lenet5-fashion.vgl take turns, swapped in SWAPS times. Prints the time from
# each swap to the first result of the new version, batch times around swaps, and heap and resident
# memory every 100 swaps with their slope per 1000 swaps.
# Usage: bench/pipeline/swap-soak.sh [SWAPS] [PAUSE_MS]   (defaults 1000 and 50; from the repository root)
# Needs a built engine in the local Maven repository.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
mvn -B -q -o -pl pipeline test-compile
mvn -B -q -o -pl pipeline dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
  -Dmdep.includeScope=test >/dev/null
cp="pipeline/target/test-classes:pipeline/target/classes:$(cat pipeline/target/bench-classpath.txt)"
exec java -Xmx4g --add-modules jdk.incubator.vector -cp "$cp" io.vigil.pipeline.bench.SwapSoakBench "$@"
