#!/usr/bin/env bash
# Measures the start-up of a modelgate action on this machine, in a fresh export of HEAD:
#   cold   empty npm cache, no node_modules: npm ci + build (a new runner, cache miss)
#   build  node_modules present (restored from actions/cache), dist missing: build only
#   warm   node_modules and dist present and matching (cache hit, or the runner's second job)
# Usage: scripts/measure-action-startup.sh [workdir]   (downloads the dependencies from the npm registry)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d /tmp/modelgate-startup.XXXXXX)}"
mkdir -p "$work/src" "$work/npm-cache"
git -C "$repo" archive HEAD | tar -x -C "$work/src"
cp "$repo/scripts/action-setup.sh" "$work/src/scripts/action-setup.sh"
cd "$work/src"
measure() {
  local label="$1"
  local t0 t1
  t0=$(date +%s.%N)
  npm_config_cache="$work/npm-cache" bash scripts/action-setup.sh >"$work/$label.log" 2>&1
  t1=$(date +%s.%N)
  printf '%s %.1f s\n' "$label" "$(echo "$t1 - $t0" | bc)"
}
measure cold
rm -rf packages/*/dist
measure build
measure warm
echo "node $(node --version), $(nproc) cores, node_modules $(du -sh node_modules | cut -f1)"
