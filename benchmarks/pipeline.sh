#!/usr/bin/env bash
# The orchestrator's two performance figures, measured through `tandem run` (release build):
#  1. executor overhead: a 1,000-step chain of normalize_date calls on one record, rule
#     fallbacks only, ms per step from the run's elapsed time (target < 1 ms);
#  2. the receipt pipeline with its model calls batched (--concurrency 8: 8 records in flight,
#     8 sequence slots) against one record at a time (--concurrency 1): records/s and the ratio.
# usage: benchmarks/pipeline.sh [RECEIPTS.jsonl] [OUT.json]
#        (default: examples/receipts/sample.jsonl, 10 receipts; prints the JSON on stdout too)
set -euo pipefail
cd "$(dirname "$0")/.."
input=${1:-examples/receipts/sample.jsonl}
out=${2:-/dev/stdout}
bin=.build/release/tandem
[ -x "$bin" ] || { echo "pipeline.sh: $bin is missing; run \`make build\` first" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work/chain.json" <<'PY'
import json, sys
steps = [{"id": "s0", "kind": "function", "tool": "normalize_date", "args": {"text": "{{input:text}}"}}]
steps += [{"id": f"s{i}", "kind": "function", "tool": "normalize_date", "args": {"text": f"{{{{step:s{i-1}.text}}}}"}} for i in range(1, 1000)]
json.dump({"version": 1, "inputs": {"text": {"type": "string"}}, "steps": steps, "output": {"last": "{{step:s999.iso}}"}}, open(sys.argv[1], "w"))
PY
echo '{"text": "paid on 25/12/2018"}' > "$work/one.jsonl"
"$bin" run "$work/chain.json" --input "$work/one.jsonl" --out "$work/chain.out" --no-local-model --json > "$work/chain.sum"

for c in 8 1; do
    echo "pipeline.sh: receipt pipeline on $input, --concurrency $c ..." >&2
    "$bin" run examples/receipts/plan.json --input "$input" --out "$work/r$c.out" --concurrency "$c" --json > "$work/r$c.sum" || true
done

python3 - "$work" "$input" > "$work/report.json" <<'PY'
import json, sys
w, inp = sys.argv[1], sys.argv[2]
chain = json.load(open(f"{w}/chain.sum"))
b, s = json.load(open(f"{w}/r8.sum")), json.load(open(f"{w}/r1.sum"))
report = {
    "executor_ms_per_step": round(chain["elapsed_s"] * 1000 / 1000, 4),
    "receipts": inp, "records": b["records"],
    "batched": {"concurrency": 8, "records_per_s": b["records_per_s"], "elapsed_s": b["elapsed_s"], "fallback_rate": b["fallback_rate"]},
    "one_by_one": {"concurrency": 1, "records_per_s": s["records_per_s"], "elapsed_s": s["elapsed_s"], "fallback_rate": s["fallback_rate"]},
    "batched_vs_one_by_one": round(s["elapsed_s"] / b["elapsed_s"], 3),
    "cost": b.get("cost"),
}
print(json.dumps(report, indent=2))
PY
cat "$work/report.json" > "$out"
