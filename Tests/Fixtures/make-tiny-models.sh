#!/usr/bin/env bash
# Writes the tiny phi3 and llama test models into the llama.cpp prefix's share/tandem/fixtures
# (outside the clone, next to the gguf-py and vocab files they are made from). Idempotent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
prefix=${TANDEM_LLAMA_PREFIX:-$("$here/../../vendor-build/prefix.sh")}
share="$prefix/share/tandem"
out="$share/fixtures"
mkdir -p "$out"
python3 -c 'import numpy' 2>/dev/null || python3 -m pip install --quiet numpy
for spec in "phi3:phi-3" "llama:llama-spm"; do
    arch=${spec%%:*}
    vocab=${spec#*:}
    target="$out/tiny-$arch.gguf"
    [ -f "$target" ] && [ "$target" -nt "$here/make_tiny_model.py" ] && continue
    PYTHONPATH="$share/gguf-py" python3 "$here/make_tiny_model.py" "$arch" "$share/vocab/ggml-vocab-$vocab.gguf" "$target.part"
    mv "$target.part" "$target"
done
