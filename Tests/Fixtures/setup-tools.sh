#!/usr/bin/env bash
# Installs what the sandbox and MCP tests need; idempotent and silent when everything is there.
#   - bubblewrap (bwrap) and Debian's python3 (/usr/bin/python3, the interpreter used inside the sandbox)
#   - curl (the `tandem serve` tests call the server with it)
#   - a venv at ${TANDEM_CACHE:-$HOME/.cache/tandem}/venv-mcp with the pinned mcp-server-time and
#     the pinned OpenAI Python SDK (the `tandem serve` tests use it as a client)
# As root it installs with apt-get; otherwise it prints the command to run and fails.
set -euo pipefail

MCP_SERVER_TIME_VERSION=2026.10.19
OPENAI_VERSION=3.63.0
CACHE="${TANDEM_CACHE:-$HOME/.cache/tandem}"
VENV="$CACHE/venv-mcp"

missing=()
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
[ -x /usr/bin/python3 ] || missing+=(python3)
[ -x /usr/bin/prlimit ] && [ -x /usr/bin/setpriv ] || missing+=(util-linux)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "setup-tools: installing ${missing[*]}" >&2
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "setup-tools: missing ${missing[*]}; run: sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
fi

# The fast path: the pinned packages already import from the venv.
pinned() {
    "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('$1') != '$2')" >/dev/null 2>&1
}
if pinned mcp-server-time "$MCP_SERVER_TIME_VERSION"; then
    if ! pinned openai "$OPENAI_VERSION"; then
        echo "setup-tools: installing openai==$OPENAI_VERSION into $VENV" >&2
        "$VENV/bin/pip" install --quiet --disable-pip-version-check "openai==$OPENAI_VERSION" >&2
        "$VENV/bin/python" -c "import openai" || { echo "setup-tools: openai did not install" >&2; exit 1; }
    fi
    exit 0
fi

echo "setup-tools: creating $VENV with mcp-server-time==$MCP_SERVER_TIME_VERSION and openai==$OPENAI_VERSION" >&2
mkdir -p "$CACHE"
# Any python3 >= 3.10 with venv will do for the server (it runs on the host, not in the sandbox).
PYTHON=""
for candidate in python3 /usr/bin/python3; do
    if command -v "$candidate" >/dev/null 2>&1 \
        && "$candidate" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 10))' >/dev/null 2>&1; then
        PYTHON="$candidate"; break
    fi
done
if [ -z "$PYTHON" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
        PYTHON=/usr/bin/python3
    else
        echo "setup-tools: no python3 >= 3.10 with venv; run: sudo apt-get install -y python3-venv" >&2
        exit 1
    fi
fi
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "mcp-server-time==$MCP_SERVER_TIME_VERSION" \
    "openai==$OPENAI_VERSION" >&2
"$VENV/bin/python" -c "import mcp_server_time, openai" || { echo "setup-tools: mcp-server-time or openai did not install" >&2; exit 1; }
