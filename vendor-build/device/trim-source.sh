#!/usr/bin/env bash
# Copies the parts of the pinned llama.cpp tree a CUDA build needs into dist/device/llama.cpp.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
src="${LLAMA_CPP_SRC:-${TANDEM_CACHE:-$HOME/.cache/tandem}/src/llama_cpp_python-0.3.36/vendor/llama.cpp}"
[ -f "$src/include/llama.h" ] || { echo "run vendor-build/build.sh first (no llama.cpp tree at $src)" >&2; exit 1; }
out="$root/dist/device/llama.cpp"
rm -rf "$out" && mkdir -p "$out/tools"
cp -r "$src"/{CMakeLists.txt,cmake,ggml,src,include,common,vendor} "$out/"
for t in llama-bench batched-bench server; do [ -d "$src/tools/$t" ] && cp -r "$src/tools/$t" "$out/tools/"; done
printf 'add_subdirectory(llama-bench)\nadd_subdirectory(batched-bench)\nadd_subdirectory(server)\n' > "$out/tools/CMakeLists.txt"
rm -rf "$out/tools/server/public" "$out/tools/server/webui"
du -sh "$out"
