#!/usr/bin/env bash
# API load on `vigil serve`: starts the service on a free loopback port with STREAMS real-time
# streams of samples/fashion-clip.mp4 (looped, 30 fps; retraining off), waits until it is ready and
# has run WARMUP seconds, then CLIENTS concurrent clients poll GET /api/v1/streams for SECONDS while
# the model is swapped every SWAP_MS (the shipped version and a copy with one bias nudged, uploaded
# through the API). Prints the API's requests/s, latency percentiles and status counts (5xx among
# them), the swaps, the streams' frames, drops and latency, and the service's own final counters.
# Exits non-zero when any call got a 5xx or failed. The clients are wrk's (Debian package `wrk`)
# when it is installed, since it takes far less CPU than a JVM client on the same machine; with
# VIGIL_LOAD_CLIENT=java, with POLL_MS, or without wrk, they are threads of the Java client.
# Usage: bench/service/load.sh [SECONDS] [CLIENTS] [STREAMS] [SWAP_MS] [WARMUP] [POLL_MS]
#   (defaults 60, 100, 16, 2000, 10, 0; run from anywhere, works in the repository root).
#   POLL_MS 0: every client polls again as soon as it has its answer (the most load the API can
#   take); otherwise each polls once every POLL_MS (a steady load, through the Java client).
# Needs Maven with the project's dependencies in the local repository (it builds offline) and curl.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
seconds="${1:-60}"
clients="${2:-100}"
streams="${3:-16}"
swap_ms="${4:-2000}"
warmup="${5:-10}"
poll_ms="${6:-0}"
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
bench=(java -Xmx1g --add-modules jdk.incubator.vector -cp "$cp" io.vigil.pipeline.bench.ApiLoadBench
  "$base" "$work/token" models/lenet5-fashion.vgl "$seconds")
if [ "$poll_ms" = 0 ] && [ "${VIGIL_LOAD_CLIENT:-wrk}" = wrk ] && command -v wrk >/dev/null; then
  # The Java client swaps models and reports the streams; wrk polls once its window opens.
  "${bench[@]}" 0 "$swap_ms" >"$work/bench.out" 2>&1 &
  client=$!
  for _ in $(seq 1 120); do
    grep -q "load window starts" "$work/bench.out" && break
    kill -0 "$client" 2>/dev/null || break
    sleep 0.25
  done
  grep -q "load window starts" "$work/bench.out" || { cat "$work/bench.out" >&2; exit 1; }
  wrk -t"$(( clients < 2 ? clients : 2 ))" -c"$clients" -d"${seconds}s" --timeout 30s --latency "${base}api/v1/streams" \
    | tee "$work/wrk.out"
  wait "$client" || status=$?
  grep -v "load window starts" "$work/bench.out"
  # wrk names non-2xx/3xx answers and socket errors only when there are some.
  if grep -q "Non-2xx\|Socket errors" "$work/wrk.out"; then
    echo "load: some API calls failed (see wrk's lines above)" >&2
    status=1
  fi
else
  "${bench[@]}" "$clients" "$swap_ms" "$poll_ms" || status=$?
fi

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
