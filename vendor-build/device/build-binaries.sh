#!/usr/bin/env bash
# Builds tandem (which carries `tandem bench`) with the Swift runtime linked statically, for a
# GPU host that has no Swift toolchain, and packs it with the C libraries it links that such a
# host may lack (libcurl and its dependencies, libyaml) into dist/device/binaries.tar.xz.
# libllama and the ggml backends are not packed: the host builds them (run-on-gpu.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
prefix=$("$root/vendor-build/build.sh")
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
cd "$root"
stage=$(mktemp -d) && trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/syslib" "$root/dist/device"
swift build -c release --scratch-path .build-device --static-swift-stdlib --product tandem \
    -Xlinker -rpath -Xlinker "$prefix/lib"
cp .build-device/release/tandem "$stage/"
strip "$stage/tandem"
# The host's glibc, libstdc++ and OpenMP are at least as new as ours and must win; llama's own
# libraries come from the host's build. Everything else the binary links travels.
ldd "$stage/tandem" | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}' | sort -u |
while read -r name path; do
    case "$name" in
        libc.so*|libm.so*|libpthread*|libdl.so*|librt.so*|libresolv*|ld-linux*|libstdc++*|libgcc_s*|libgomp*) ;;
        libllama*|libggml*|libmtmd*) ;;
        *) cp -L "$path" "$stage/syslib/$name" ;;
    esac
done
tar -C "$stage" -cf - . | xz -9e -T2 >"$root/dist/device/binaries.tar.xz"
ls -la "$root/dist/device/binaries.tar.xz"
