#!/usr/bin/env bash
# Online retraining, measured on the demo's scenario: the same four live cameras once with the
# labeled clips arriving (training, gate, swap) and once without (the baseline), back to back.
# Prints each run's figures from target/demo/summary.json. Usage: bench/retrain/run.sh [STREAMS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
streams="${1:-4}"
out=target/bench-retrain
mkdir -p "$out"

figures() {
  /usr/bin/python3 - "$1" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
def num(x): return None if x is None or isinstance(x, str) or x != x else x
def pct(x): return "n/a" if num(x) is None else f"{100 * x:.2f} %"
def ms(x): return "n/a" if num(x) is None else f"{x:.1f} ms"
print(f"  accuracy: original scene {pct(s['accuracyBefore'])}, changed scene before the swap"
      f" {pct(s['accuracyChangedOld'])}, after {pct(s['accuracyChangedNew'])}"
      f" ({s['framesChangedNew']} frames)")
print(f"  {s['gate']}")
if s.get('swapSecond') is not None:
    print(f"  clips' arrival to swap: {s['swapSecond'] - s['clipsSecond']:.1f} s;"
          f" first result of the new version {s['toFirstResultMillis']:.0f} ms after the swap")
print(f"  latency p99 {ms(s['latencyP99'])} overall, {ms(s['latencyP99Training'])} while training;"
      f" dropped {s['dropped']}, missing {s['gaps']}, repeated {s['repeats']}; {s['results']} results"
      f" in {s['seconds']:.0f} s")
PY
}

echo "== without clips (no training), $streams cameras"
./vigil demo --without-clips --streams "$streams" > "$out/baseline.log"
cp target/demo/summary.json "$out/baseline.json"
figures "$out/baseline.json"
echo "== with clips (training, gate, swap), $streams cameras"
start=$(date +%s)
./vigil demo --streams "$streams" > "$out/retrain.log"
echo "  the whole demo: $(( $(date +%s) - start )) s"
cp target/demo/summary.json "$out/retrain.json"
cp target/demo/retraining.png "$out/retraining.png"
figures "$out/retrain.json"
