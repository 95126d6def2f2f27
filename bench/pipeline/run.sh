#!/usr/bin/env bash
# The pipeline benchmark: decode-only, inference-only, offline pipeline with 1/4/16 copies of
# vtest.avi, real-time 16 x 30 fps with LeNet-5 and an AlexNet-class model, real-time overload of
# an engine of known cost (latency beside its bound). Prints its figures.
# Usage: bench/pipeline/run.sh [SECONDS_PER_REALTIME_RUN]   (default 20; from the repository root)
#        bench/pipeline/run.sh soak [SECONDS]             (memory over a long real-time run)
#        bench/pipeline/run.sh overload [SECONDS]         (the overload run alone)
# Needs opencv-doc (vtest.avi).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" # as the launcher runs vigil
# Built with the modules it depends on, whose classes come first on the class path: a stale
# engine in the local Maven repository must not be what is measured.
mvn -B -q -o -pl pipeline -am test-compile -Dspotless.check.skip=true
mvn -B -q -o -pl pipeline dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
  -Dmdep.includeScope=test >/dev/null
cp="pipeline/target/test-classes:pipeline/target/classes:onnx/target/classes:engine/target/classes"
cp="$cp:opencl-kernels/target/classes:$(cat pipeline/target/bench-classpath.txt)"
exec java -Xmx4g --add-modules jdk.incubator.vector -cp "$cp" io.vigil.pipeline.bench.PipelineBench "$@"
