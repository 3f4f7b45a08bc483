#!/usr/bin/env bash
# Runs the README's test command N times, each from a clean clone, while a CPU hog saturates the
# machine: the proof that no test depends on how fast the machine is (issue 16). See --help.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: scripts/test-under-load.sh [options] N

Runs the README's test command (`make test`) N times, each in a fresh clone of this repository's
committed HEAD, while one `yes > /dev/null` per core (nproc) keeps every core busy. Prints one
line per run (pass/fail, exit status, seconds, log) and a summary; exits 0 only when every run
passed.

Each run:
  - clones the repository the script lives in (`git clone`, then HEAD's commit; uncommitted
    changes are not tested) into a new temporary directory;
  - links ../shared beside the clone to the source checkout's ../shared (the tests read their
    shared fixtures from ../shared/fixtures beside the checkout);
  - seeds the clone's models/ with hard links (copies across file systems) to the source
    checkout's models/*.gguf, so `make` finds them verified in place instead of fetching them
    again (models/fetch.sh checks each file's size; --no-seed-models fetches them as a new user
    would);
  - starts the hog, runs the test command in the clone with its output in a log, stops the hog;
  - removes the clone (unless --keep). The llama.cpp build is cached outside the clone
    (~/.cache/tandem/llama/...), so only the first build of a machine pays for it; each clone
    builds Tandem itself from scratch.

The hog and the test command are stopped on any exit of the script (Ctrl-C included).

options:
  --json FILE        also write {"runs": N, "passed": k, "results": [{"run", "rc", "seconds", "log"}]}
  --logs DIR         where the per-run logs go (default: a new /tmp/tandem-load-logs.XXXXXX)
  --hogs K           K busy processes instead of one per core
  --keep             keep each clone (its path is printed)
  --no-seed-models   let each clone fetch its models itself
  -h, --help         this text

environment:
  TEST_COMMAND       the command run in each clone (default: make test); for checking this script
                     itself, e.g. TEST_COMMAND=true
EOF
}

runs="" json="" logs="" hogs=$(nproc) keep=0 seed=1
while [ $# -gt 0 ]; do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --json) json=${2:?--json needs a file}; shift 2 ;;
        --logs) logs=${2:?--logs needs a directory}; shift 2 ;;
        --hogs) hogs=${2:?--hogs needs a number}; shift 2 ;;
        --keep) keep=1; shift ;;
        --no-seed-models) seed=0; shift ;;
        -*) echo "test-under-load: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) [ -z "$runs" ] || { echo "test-under-load: one N only (see --help)" >&2; exit 2; }; runs=$1; shift ;;
    esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "test-under-load: give the number of runs N >= 1 (see --help)" >&2; exit 2; }
[[ "$hogs" =~ ^[0-9]+$ ]] || { echo "test-under-load: --hogs needs a number" >&2; exit 2; }
test_command=${TEST_COMMAND:-make test}

repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
commit=$(git -C "$repo" rev-parse HEAD)
shared="$(dirname "$repo")/shared"
[ -d "$shared" ] || echo "test-under-load: warning: $shared is missing; tests that read ../shared/fixtures will fail" >&2
[ -n "$logs" ] || logs=$(mktemp -d "${TMPDIR:-/tmp}/tandem-load-logs.XXXXXX")
mkdir -p "$logs"
logs=$(cd "$logs" && pwd)

hog_pids=()
test_pid=""
clone_root=""

stop_hog() {
    local pid
    for pid in "${hog_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${hog_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    hog_pids=()
}

cleanup() {
    # The test command runs in a session of its own: stop its whole process group.
    if [ -n "$test_pid" ]; then kill -TERM -- "-$test_pid" 2>/dev/null || true; wait "$test_pid" 2>/dev/null || true; fi
    stop_hog
    if [ -n "$clone_root" ] && [ "$keep" = 0 ]; then rm -rf "$clone_root"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_hog() {
    local i
    for ((i = 0; i < hogs; i++)); do
        yes >/dev/null &
        hog_pids+=($!)
    done
}

json_string() { local s=${1//\\/\\\\}; printf '"%s"' "${s//\"/\\\"}"; }

echo "test-under-load: $runs run(s) of '$test_command' at ${commit:0:12} with $hogs busy process(es) on $(nproc) core(s); logs in $logs"
passed=0
results=()
for ((run = 1; run <= runs; run++)); do
    clone_root=$(mktemp -d "${TMPDIR:-/tmp}/tandem-load-run$run.XXXXXX")
    clone="$clone_root/$(basename "$repo")"
    log="$logs/run$run.log"
    git clone --quiet --no-hardlinks "$repo" "$clone"
    git -C "$clone" checkout --quiet --detach "$commit"
    [ -d "$shared" ] && ln -s "$shared" "$clone_root/shared"
    if [ "$seed" = 1 ]; then
        for model in "$repo"/models/*.gguf; do
            [ -f "$model" ] || continue
            ln "$(readlink -f "$model")" "$clone/models/" 2>/dev/null || cp "$(readlink -f "$model")" "$clone/models/"
        done
    fi

    start_hog
    started=$(date +%s)
    setsid bash -c "cd \"\$1\" && $test_command" test-under-load "$clone" >"$log" 2>&1 </dev/null &
    test_pid=$!
    rc=0
    wait "$test_pid" || rc=$?
    test_pid=""
    seconds=$(($(date +%s) - started))
    stop_hog

    if [ "$rc" = 0 ]; then passed=$((passed + 1)); verdict=pass; else verdict=FAIL; fi
    echo "run $run/$runs: $verdict (rc $rc) in ${seconds} s; log $log$([ "$keep" = 1 ] && echo "; clone $clone")"
    results+=("{\"run\": $run, \"rc\": $rc, \"seconds\": $seconds, \"log\": $(json_string "$log")}")
    if [ "$keep" = 0 ]; then rm -rf "$clone_root"; fi
    clone_root=""
done

echo "test-under-load: $passed/$runs run(s) passed under load ($hogs busy process(es), $(nproc) core(s))"
if [ -n "$json" ]; then
    joined=$(IFS=,; echo "${results[*]}")
    printf '{"runs": %d, "passed": %d, "commit": "%s", "hogs": %d, "cores": %d, "test_command": %s, "results": [%s]}\n' \
        "$runs" "$passed" "$commit" "$hogs" "$(nproc)" "$(json_string "$test_command")" "$joined" >"$json"
fi
[ "$passed" = "$runs" ]
