#!/usr/bin/env bash
# Copies the parts of the pinned llama.cpp tree a CUDA build of the benchmark tools needs into
# dist/device/llama.cpp (about 15 MB, small enough to travel to a GPU host without network).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
src="${LLAMA_CPP_SRC:-${TANDEM_CACHE:-$HOME/.cache/tandem}/src/llama_cpp_python-0.3.36/vendor/llama.cpp}"
[ -f "$src/include/llama.h" ] || { echo "run vendor-build/build.sh first (no llama.cpp tree at $src)" >&2; exit 1; }
out="${1:-$root/dist/device/llama.cpp}"
rm -rf "$out" && mkdir -p "$out/tools"
cp -r "$src"/{CMakeLists.txt,LICENSE,cmake,ggml,src,include,common,vendor} "$out/"
[ -d "$src/licenses" ] && cp -r "$src/licenses" "$out/"
# Other accelerators' backends are only entered when their GGML_<NAME> option is on.
for b in "$out"/ggml/src/ggml-*/; do
    case "$(basename "$b")" in ggml-cpu|ggml-cuda) ;; *) rm -rf "$b" ;; esac
done
for t in llama-bench batched-bench; do cp -r "$src/tools/$t" "$out/tools/"; done
printf 'add_subdirectory(llama-bench)\nadd_subdirectory(batched-bench)\n' > "$out/tools/CMakeLists.txt"
du -sh "$out"
