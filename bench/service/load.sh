#!/usr/bin/env bash
# API load on `vigil serve`: starts the service on a free loopback port with STREAMS real-time
# streams of samples/fashion-clip.mp4 (looped, 30 fps; retraining off), waits until it is ready and
# has run WARMUP seconds, then CLIENTS concurrent clients poll GET /api/v1/streams for SECONDS while
# the model is swapped every SWAP_MS (the shipped version and a copy with one bias nudged, uploaded
# through the API). Prints the API's requests/s, latency percentiles and status counts (5xx among
# them), the swaps, the streams' frames, drops and latency, and the service's own final counters.
# Exits non-zero when any call got a 5xx or failed.
# Usage: bench/service/load.sh [SECONDS] [CLIENTS] [STREAMS] [SWAP_MS] [WARMUP]
#   (defaults 60, 100, 16, 2000, 10; run from anywhere, works in the repository root)
# Needs Maven with the project's dependencies in the local repository (it builds offline) and curl.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
seconds="${1:-60}"
clients="${2:-100}"
streams="${3:-16}"
swap_ms="${4:-2000}"
warmup="${5:-10}"
root="$PWD"

mvn -B -q -o -pl pipeline -am install -DskipTests
mvn -B -q -o -pl pipeline test-compile
mvn -B -q -o -pl pipeline dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
  -Dmdep.includeScope=test >/dev/null
cp="pipeline/target/test-classes:pipeline/target/classes:$(cat pipeline/target/bench-classpath.txt)"

work="$(mktemp -d -t vigil-load.XXXXXX)"
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# A token of 32 random characters, readable by its owner only.
(umask 077 && head -c 24 /dev/urandom | base64 | tr '+/' '-_' >"$work/token")

{
  echo "include file(\"$root/config/serve.conf\")"
  echo "vigil.run.out = \"$work/out\""
  echo "vigil.registry.dir = \"$work/registry\""
  echo "vigil.retrain.enabled = false"
  echo "vigil.run.streams = ["
  for i in $(seq 1 "$streams"); do
    printf '  { id = "cam%02d", file = "%s/samples/fashion-clip.mp4", loop = true, fps = 30 }\n' \
      "$i" "$root"
  done
  echo "]"
} >"$work/load.conf"

./vigil serve --config "$work/load.conf" --port 0 --token-file "$work/token" \
  >"$work/serve.out" 2>"$work/serve.err" &
server=$!

# The service prints "serve: http://127.0.0.1:PORT/ ..." once it listens.
port=""
for _ in $(seq 1 240); do
  port="$(sed -n 's|^serve: http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/serve.err" | head -1)"
  [ -n "$port" ] && break
  if ! kill -0 "$server" 2>/dev/null; then
    echo "load: vigil serve exited before listening:" >&2
    cat "$work/serve.err" >&2
    exit 1
  fi
  sleep 0.5
done
[ -n "$port" ] || { echo "load: vigil serve did not listen within 120 s" >&2; cat "$work/serve.err" >&2; exit 1; }
base="http://127.0.0.1:$port/"
for _ in $(seq 1 120); do
  curl -sf "${base}health/ready" >/dev/null && break
  sleep 0.5
done
curl -sf "${base}health/ready" >/dev/null || { echo "load: $base never became ready" >&2; exit 1; }
echo "load: vigil serve on $base with $streams streams; warming up ${warmup} s"
sleep "$warmup"

status=0
java -Xmx1g --add-modules jdk.incubator.vector -cp "$cp" io.vigil.pipeline.bench.ApiLoadBench \
  "$base" "$work/token" models/lenet5-fashion.vgl "$seconds" "$clients" "$swap_ms" || status=$?

kill -TERM "$server"
wait "$server" || true
server=""
echo "service's final counters:"
cat "$work/serve.out"
if grep -q "ERROR\|Exception" "$work/serve.err"; then
  echo "load: the service logged errors:" >&2
  grep -m 20 "ERROR\|Exception" "$work/serve.err" >&2
fi
exit "$status"
