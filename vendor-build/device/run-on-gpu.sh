#!/usr/bin/env bash
# On a GPU host with nvcc and cmake but no Swift and no network: builds llama.cpp's CUDA backend
# from the trimmed pinned tree, then runs the Swift binaries built elsewhere against it.
#   run-on-gpu.sh start   unpack dist/device, report the host, configure, start the build in the
#                         background (it outlives this command) and return
#   run-on-gpu.sh bench   join the model (dist/device-b holds its second half), wait for the
#                         build, then tandem info and tandem bench parity, batched (1-64), prefix
#   run-on-gpu.sh all     both, in one command
# Results: $OUT/gpu-results.tar.gz (else under $TANDEM_GPU_WORK/out) with gpu-<suite>[-spin-N].{json,md},
# the batched charts and the build log; the tables are printed too.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work="${TANDEM_GPU_WORK:-/root/tandem-gpu}"
out="${OUT:-$work/out}"
mkdir -p "$work" "$out"
say() { printf '== %s (%ss)\n' "$*" "$SECONDS"; }

start() {
    say host
    nvidia-smi --query-gpu=name,memory.total,driver_version,compute_cap --format=csv,noheader
    nvcc --version | tail -1; cmake --version | head -1; c++ --version | head -1; echo "cores: $(nproc)"
    rm -rf "$work/llama.cpp" "$work/build" "$work/bin" "$work/build.rc"
    tar -C "$work" -xJf "$root/dist/device/source.tar.xz"
    mkdir -p "$work/bin" && tar -C "$work/bin" -xJf "$root/dist/device/binaries.tar.xz"
    cp "$root/dist/device/model.part-a" "$root/dist/device/model.sha256" "$root/dist/device/model.name" "$work/"
    say "libraries the binaries still miss (libllama and libggml* come from this build)"
    LD_LIBRARY_PATH="$work/bin/syslib" ldd "$work/bin/tandem" | grep "not found" | sort -u
    say configure
    export TANDEM_CUDA="${TANDEM_CUDA:-1}" TANDEM_CUDA_ARCHS="${TANDEM_CUDA_ARCHS:-$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1 | tr -d .)}"
    source "$root/vendor-build/config.sh"
    # Flash-attention kernels are most of the CUDA compile time; both sides of every comparison
    # use this same build, so they are off unless TANDEM_CUDA_FA=ON.
    cmake -S "$work/llama.cpp" -B "$work/build" "${LLAMA_CMAKE_OPTIONS[@]}" -DLLAMA_BUILD_SERVER=OFF \
        -DLLAMA_BUILD_APP=OFF -DLLAMA_OPENSSL=OFF -DGGML_CUDA_NCCL=OFF -DGGML_CCACHE=OFF \
        -DGGML_CUDA_FA="${TANDEM_CUDA_FA:-OFF}" >"$work/configure.log" 2>&1 || { tail -30 "$work/configure.log"; return 1; }
    # First line: key=value pairs the bench report reads; then the CMake options, one per line.
    printf 'source=0c1e570-trimmed cuda=%s archs=%s flash_attn_kernels=%s\n' "$([ "$TANDEM_CUDA" = 1 ] && echo ON || echo OFF)" \
        "$TANDEM_CUDA_ARCHS" "${TANDEM_CUDA_FA:-OFF}" >"$work/build-info"
    printf '%s\n' "${LLAMA_CMAKE_OPTIONS[@]}" >>"$work/build-info"
    say "build started in the background"
    setsid nohup bash -c "cmake --build '$work/build' -j $(nproc) --target ggml-cpu $([ "$TANDEM_CUDA" = 1 ] && echo ggml-cuda) llama-bench llama-batched-bench \
        >'$work/build.log' 2>&1; echo \$? >'$work/build.rc'" </dev/null >/dev/null 2>&1 &
}

bench() {
    started=$SECONDS
    say "join model"
    [ -f "$work/model.part-a" ] || { echo "no $work/model.part-a: run 'start' on this machine first"; return 1; }
    model="$work/$(cat "$work/model.name")"
    cat "$work/model.part-a" "$root/dist/device-b/model.part-b" >"$model"
    [ "$(sha256sum "$model" | cut -d' ' -f1)" = "$(cat "$work/model.sha256")" ] || { echo "model sha256 mismatch"; return 1; }
    say "wait for the build"
    while [ ! -f "$work/build.rc" ]; do sleep 5; tail -c 300 "$work/build.log" | tr '\r' '\n' | grep -o '^\[[0-9]*/[0-9]*\]' | tail -1; done
    cp "$work/build.log" "$out/build.log"
    [ "$(cat "$work/build.rc")" = 0 ] || { tail -40 "$work/build.log"; return 1; }
    say "build done"
    prefix="$work/prefix"
    rm -rf "$prefix" && mkdir -p "$prefix/share/tandem"
    ln -s "$work/build/bin" "$prefix/bin" && ln -s "$work/build/bin" "$prefix/lib"
    cp "$work/build-info" "$prefix/share/tandem/build-info"
    export LD_LIBRARY_PATH="$work/build/bin:$work/bin/syslib" TANDEM_BACKEND_DIR="$work/build/bin" TANDEM_LLAMA_PREFIX="$prefix"
    tandem="$work/bin/tandem" backend="${TANDEM_BENCH_BACKEND:-cuda}"
    say "tandem info (auto, cuda, cpu)"
    "$tandem" info -m "$model" --json
    "$tandem" info -m "$model" --backend "$backend"
    "$tandem" info -m "$model" --backend cpu | head -3
    "$tandem" generate -m "$model" --backend "$backend" -n 64 --json -p "Write one sentence about receipts."; echo
    # Each suite gets its share of what is left of the budget, so one that hangs cannot take
    # the others' results with it. TANDEM_SPIN_VARIANTS repeats parity and batched under other
    # OpenMP spin settings of Tandem's process (TANDEM_OMP_SPIN; llama.cpp's tools keep theirs).
    deadline=$((started + ${TANDEM_BENCH_BUDGET:-560}))
    results="$work/results" && rm -rf "$results" && mkdir -p "$results"
    cp "$work/build.log" "$results/build.log"
    run_suite() {  # suite, file tag, extra environment...
        local suite=$1 tag=$2; shift 2
        local left=$((deadline - SECONDS)); local limit=$(( left < 200 ? left : 200 ))
        say "tandem bench $suite $tag (limit ${limit}s)"
        [ "$limit" -gt 10 ] || { echo "no time left for $suite $tag"; return; }
        env "$@" timeout "$limit" "$tandem" bench "$suite" -m "$model" --backend "$backend" --max-sequences 64 --no-progress \
            ${TANDEM_BENCH_ARGS:-} --json "$results/gpu-$suite$tag.json" --markdown "$results/gpu-$suite$tag.md" \
            --chart "$results/gpu-batched$tag.svg" | grep -E '^\| |openmp|OpenMP'
    }
    for suite in parity batched prefix; do run_suite "$suite" ""; done
    for spin in ${TANDEM_SPIN_VARIANTS:-}; do
        for suite in parity batched; do run_suite "$suite" "-spin-$spin" TANDEM_OMP_SPIN="$spin"; done
    done
    tar -C "$results" -czf "$out/gpu-results.tar.gz" .
    say done
}

case "${1:-}" in
    start) start ;;
    bench) bench ;;
    all) start && bench ;;
    *) echo "usage: run-on-gpu.sh start|bench|all" >&2; exit 2 ;;
esac
