#!/usr/bin/env bash
# The engine's kernel microbenchmarks under JMH (the bench module): builds it, runs the benchmarks
# selected by the arguments (JMH's own command line: a regex of benchmark names, -p name=value,
# -f/-wi/-i/-w/-r, ...), then prints time per call, GFLOP/s and % of the FP32 peak measured in the
# same run (run Fp32Peak with what you compare). Defaults: every benchmark, one fork, 3 warm-up and
# 3 measured iterations of 1 s each (about 4 minutes in all; the Vector API kernels run slowly until
# C2 has compiled them, which takes more than a second of warm-up).
#   bench/engine/jmh.sh                                  everything
#   bench/engine/jmh.sh 'Fp32Peak|GemmBench' -p shape=resnet18-conv1
#   bench/engine/jmh.sh -l                               list the benchmarks
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

echo "# vigil JMH benchmarks, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs:" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# java: $(java -version 2>&1 | head -1)"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
mvn -B -q -pl bench -am compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
  >"$log" 2>&1 || { cat "$log"; exit 1; }
cp="bench/target/classes:$(cat bench/target/classpath.txt)"
defaults=(-f 1 -wi 3 -w 1s -i 3 -r 1s -v SILENT)
# JMH's forks inherit this class path; the Vector API module is added per fork (@Fork).
java --add-modules jdk.incubator.vector -cp "$cp" io.vigil.bench.Report "${defaults[@]}" "$@" 2>&1 \
  | grep -v -e '^WARNING: Using incubator modules'
