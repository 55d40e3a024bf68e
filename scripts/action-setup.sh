#!/usr/bin/env bash
# Installs and builds modelgate inside the action's checkout (once per runner and ref).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f packages/cli/dist/action-entry.js ]; then
  npm ci --no-audit --no-fund --loglevel=error
  npm run build --silent
fi
