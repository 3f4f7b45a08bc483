#!/usr/bin/env bash
# Packs what a GPU host without Swift or network needs into two carry folders, each small enough
# for one 64 MiB transfer:
#   dist/device/    source.tar.xz (trimmed llama.cpp tree), binaries.tar.xz, model.part-a
#   dist/device-b/  model.part-b (the rest of the model: it is larger than one transfer)
# Run build-binaries.sh first. MODEL defaults to the manifest's SmolLM2.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
model="${MODEL:-$root/models/SmolLM2-135M-Instruct.Q4_1.gguf}"
[ -f "$root/dist/device/binaries.tar.xz" ] || { echo "run vendor-build/device/build-binaries.sh first" >&2; exit 1; }
[ -f "$model" ] || { echo "no model at $model (make models)" >&2; exit 1; }
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
"$root/vendor-build/device/trim-source.sh" "$tmp/llama.cpp" >/dev/null
tar -C "$tmp" -cJf "$root/dist/device/source.tar.xz" llama.cpp
rm -rf "$root/dist/device-b" && mkdir -p "$root/dist/device-b"
# The first part travels with the binaries and the source, so it is the smaller one.
half=$(( 36 * 1024 * 1024 ))
head -c "$half" "$model" > "$root/dist/device/model.part-a"
tail -c +"$((half + 1))" "$model" > "$root/dist/device-b/model.part-b"
sha256sum "$model" | cut -d' ' -f1 > "$root/dist/device/model.sha256"
basename "$model" > "$root/dist/device/model.name"
du -ch "$root"/dist/device/{source.tar.xz,binaries.tar.xz,model.part-a,model.sha256,model.name} | tail -1
du -sh "$root/dist/device-b"
