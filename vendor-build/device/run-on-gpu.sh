#!/usr/bin/env bash
# On the GPU host: CUDA build of the trimmed tree, then the GPU figures. Needs nvcc and cmake.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dist="$root/dist/device"
export TANDEM_CUDA=1
source "$root/vendor-build/config.sh"
prefix="$dist/prefix"
cmake -S "$dist/llama.cpp" -B "$dist/build" "${LLAMA_CMAKE_OPTIONS[@]}" -DCMAKE_INSTALL_PREFIX="$prefix" \
    -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_COMMON=ON >"$dist/configure.log" 2>&1 || { tail -30 "$dist/configure.log"; exit 1; }
cmake --build "$dist/build" -j "$(nproc)" >"$dist/build.log" 2>&1 || { tail -30 "$dist/build.log"; exit 1; }
cmake --install "$dist/build" >>"$dist/build.log" 2>&1
mkdir -p "$dist/lib" && cp -a "$prefix"/lib/*.so* "$dist/lib/"
export TANDEM_BACKEND_DIR="$prefix/bin" TANDEM_LLAMA_PREFIX="$prefix"
model="$root/models/SmolLM2-135M-Instruct.Q4_1.gguf"
"$dist/tandem" info -m "$model" --backend cuda
gpu=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1 | tr ' ' '-')
"$dist/tandem-bench" parity batched prefix -m "$model" --backend cuda --max-sequences 64 \
    --json "$root/benchmarks/results/gpu-$gpu.json" | tee "$root/benchmarks/results/gpu-$gpu.md"
