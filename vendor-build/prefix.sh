#!/usr/bin/env bash
# Prints the install prefix vendor-build/build.sh uses for the current options (does not build).
set -euo pipefail
source "$(dirname "$0")/config.sh"
llama_prefix
