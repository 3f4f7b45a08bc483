#!/usr/bin/env bash
# Builds llama.cpp from the pinned source into a cache prefix outside the clone and prints the prefix.
#
#   vendor-build/build.sh            # CPU build (CUDA too when nvcc is on PATH)
#   TANDEM_CUDA=1 vendor-build/build.sh   # insist on the CUDA backend module
#   LLAMA_CPP_SRC=/path/to/llama.cpp vendor-build/build.sh   # use a local tree instead of the sdist
#
# A prefix that finished installing is reused as is: a second run does no work.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/config.sh"

log() { echo "vendor-build: $*" >&2; }
die() { echo "vendor-build: error: $*" >&2; exit 1; }

# Prerequisites (Debian), checked on every run. As root we install them; otherwise we say exactly what to run.
need=()
command -v cmake >/dev/null || need+=(cmake)
command -v ninja >/dev/null || need+=(ninja-build)
command -v pkg-config >/dev/null || need+=(pkg-config)
[ -f /usr/include/x86_64-linux-gnu/curl/curl.h ] || [ -f /usr/include/curl/curl.h ] || need+=(libcurl4-openssl-dev)
command -v c++ >/dev/null || need+=(g++)
# Not llama.cpp's, but Tandem's own build needs them (tandem.yaml through libyaml, `tandem serve`
# through libmicrohttpd).
[ -f /usr/include/yaml.h ] || need+=(libyaml-dev)
[ -f /usr/include/microhttpd.h ] || need+=(libmicrohttpd-dev)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing ${need[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    else
        die "missing ${need[*]}; run: sudo apt-get install -y ${need[*]}"
    fi
fi

prefix=$(llama_prefix)
if [ -f "$prefix/.tandem-complete" ]; then
    echo "$prefix"
    exit 0
fi

# Source: a local tree, or the pinned sdist verified by sha256 before anything is extracted.
if [ -n "${LLAMA_CPP_SRC:-}" ]; then
    src=$(cd "$LLAMA_CPP_SRC" && pwd)
    [ -f "$src/include/llama.h" ] || die "LLAMA_CPP_SRC=$src does not look like a llama.cpp tree (no include/llama.h)"
else
    archive="$TANDEM_CACHE/downloads/$LLAMA_SDIST"
    if [ -f "$archive" ]; then
        got=$(sha256sum "$archive" | cut -d' ' -f1)
        if [ "$got" != "$LLAMA_SDIST_SHA256" ]; then
            die "$archive has sha256 $got, expected $LLAMA_SDIST_SHA256; refusing it (delete the file to fetch it again)"
        fi
    else
        log "fetching $LLAMA_SDIST through pip's configured package index"
        python3 "$here/../scripts/fetch-from-index.py" llama_cpp_python "$LLAMA_SDIST" \
            "$LLAMA_SDIST_SHA256" "$LLAMA_SDIST_SIZE" "$archive" \
            || die "could not fetch a verified $LLAMA_SDIST"
    fi
    src_root="$TANDEM_CACHE/src/llama_cpp_python-$LLAMA_PY_VERSION"
    if [ ! -f "$src_root/.extracted" ]; then
        log "extracting llama.cpp from $LLAMA_SDIST"
        rm -rf "$src_root" && mkdir -p "$src_root"
        tar -xzf "$archive" -C "$src_root" --strip-components=1 "llama_cpp_python-$LLAMA_PY_VERSION/vendor/llama.cpp"
        touch "$src_root/.extracted"
    fi
    src="$src_root/vendor/llama.cpp"
fi

build="$TANDEM_CACHE/build/$(basename "$prefix")"
mkdir -p "$TANDEM_CACHE/build"
log "configuring llama.cpp ($src) -> $prefix (CUDA: $llama_cuda)"
start=$(date +%s)
cmake -S "$src" -B "$build" "${LLAMA_CMAKE_OPTIONS[@]}" -DCMAKE_INSTALL_PREFIX="$prefix" >"$build.configure.log" 2>&1 \
    || { tail -40 "$build.configure.log" >&2; die "cmake configure failed (log: $build.configure.log)"; }
log "building (this takes about 6 minutes on 2 cores; log: $build.log)"
if ! cmake --build "$build" -j "$(nproc)" >"$build.log" 2>&1; then
    tail -40 "$build.log" >&2
    die "build failed (log: $build.log)"
fi
cmake --install "$build" >>"$build.log" 2>&1 || die "install failed (log: $build.log)"

# The tests make tiny phi3/llama GGUF files with gguf-py and the tree's vocab-only models.
mkdir -p "$prefix/share/tandem"
rm -rf "$prefix/share/tandem/gguf-py" "$prefix/share/tandem/vocab"
cp -r "$src/gguf-py" "$prefix/share/tandem/gguf-py"
mkdir -p "$prefix/share/tandem/vocab"
for v in phi-3 llama-spm llama-bpe; do cp "$src/models/ggml-vocab-$v.gguf" "$prefix/share/tandem/vocab/"; done
echo "source=$(llama_source_id) cuda=$llama_cuda seconds=$(( $(date +%s) - start ))" >"$prefix/share/tandem/build-info"
printf '%s\n' "${LLAMA_CMAKE_OPTIONS[@]}" >>"$prefix/share/tandem/build-info"
touch "$prefix/.tandem-complete"
log "done in $(( $(date +%s) - start )) s"
echo "$prefix"
