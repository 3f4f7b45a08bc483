#!/usr/bin/env python3
"""Compares two `tandem run` result files (JSONL) record by record: every input record once,
same ids, same status. Used after a kill -9 and `--resume` against an uninterrupted run.

usage: scripts/compare-results.py RESUMED.jsonl REFERENCE.jsonl [--json]
"""
import collections, json, sys

def load(path):
    rows = {}
    counts = collections.Counter()
    for line in open(path, encoding="utf-8"):
        if not line.strip():
            continue
        r = json.loads(line)
        key = r.get("id") or f"line {r.get('line')}"
        counts[key] += 1
        rows[key] = r.get("status")
    return rows, counts

def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    resumed, counts = load(args[0])
    reference, _ = load(args[1])
    result = {
        "records_expected": len(reference),
        "records_lost": sum(1 for k in reference if k not in resumed),
        "records_duplicated": sum(c - 1 for c in counts.values() if c > 1),
        "records_unexpected": sum(1 for k in resumed if k not in reference),
        "status_differs": sum(1 for k, s in reference.items() if k in resumed and resumed[k] != s),
    }
    if "--json" in sys.argv:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:20} {v}")
    return 0 if all(result[k] == 0 for k in ("records_lost", "records_duplicated", "records_unexpected", "status_differs")) else 1

sys.exit(main())
