#!/usr/bin/env bash
# Builds tandem and tandem-bench with the Swift runtime linked statically, for a GPU host
# that has no Swift toolchain. libllama comes from the host's own prefix at run time.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
prefix=$("$root/vendor-build/build.sh")
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
cd "$root"
swift build -c release --static-swift-stdlib --product tandem -Xlinker -rpath -Xlinker '$ORIGIN/lib'
swift build -c release --static-swift-stdlib --product tandem-bench -Xlinker -rpath -Xlinker '$ORIGIN/lib'
mkdir -p dist/device
cp .build/release/tandem .build/release/tandem-bench dist/device/
ls -la dist/device
