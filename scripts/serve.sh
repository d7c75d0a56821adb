#!/usr/bin/env bash
# Builds the web app and serves it on http://127.0.0.1:8080/, rebuilding on every change under
# app/, core/src/ and lessons/ (Trunk.toml). Installs missing build tools first.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source scripts/tools.sh

ensure_web_tools
printf '\nclusterlab: http://127.0.0.1:8080/ (Ctrl-C stops)\n\n'
exec trunk serve --offline --address 127.0.0.1 --port 8080
