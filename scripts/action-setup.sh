#!/usr/bin/env bash
# Installs and builds modelgate inside the action's own checkout, once per runner and lockfile.
#
#   action-setup.sh key      print the dependency cache key, paths and whether this checkout is
#                            already installed and built (ready) to $GITHUB_OUTPUT (or stdout)
#   action-setup.sh          install (npm ci) unless node_modules matches the lockfile, then build
#                            unless dist matches the sources
#
# The composite actions run `key`, restore the paths with actions/cache, then run the install:
# on a warm runner (or a cache hit) both npm ci and tsc are skipped.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

lock_hash() { sha256sum package-lock.json | cut -c1-16; }
# The build stamp covers the TypeScript sources and configs, so a cached dist is rebuilt when they change.
source_hash() {
  find packages -path '*/node_modules' -prune -o -path '*/dist' -prune -o -path '*/test' -prune -o \
    \( -name '*.ts' -o -name 'package.json' -o -name 'tsconfig*.json' \) -type f -print |
    LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16
}
node_version() { node --version | tr -d 'v'; }

deps_stamp="node_modules/.modelgate-deps"
build_stamp="packages/cli/dist/.modelgate-build"

emit() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1=$2" >>"$GITHUB_OUTPUT"; else echo "$1=$2"; fi
}

if [ "${1:-}" = "key" ]; then
  os="${RUNNER_OS:-$(uname -s)}"
  # ready: a self-hosted runner kept this checkout's install and build from an earlier job.
  ready=false
  if [ "$(cat "$deps_stamp" 2>/dev/null)" = "node$(node_version)-$(lock_hash)" ] &&
    [ "$(cat "$build_stamp" 2>/dev/null)" = "$(source_hash)" ]; then ready=true; fi
  emit ready "$ready"
  emit key "modelgate-deps-${os}-node$(node_version)-$(lock_hash)-$(source_hash)"
  emit restore-key "modelgate-deps-${os}-node$(node_version)-$(lock_hash)-"
  # Multi-line output: the node_modules of the root and every workspace, and the built dist folders.
  paths="$root/node_modules"
  for p in packages/*/; do paths+=$'\n'"$root/${p}node_modules"$'\n'"$root/${p}dist"; done
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    delimiter="modelgate_$RANDOM$RANDOM"
    printf 'paths<<%s\n%s\n%s\n' "$delimiter" "$paths" "$delimiter" >>"$GITHUB_OUTPUT"
  else
    printf 'paths=%s\n' "$paths"
  fi
  exit 0
fi

start=$(date +%s)
wanted_deps="node$(node_version)-$(lock_hash)"
if [ "$(cat "$deps_stamp" 2>/dev/null)" != "$wanted_deps" ]; then
  echo "modelgate: installing dependencies (npm ci)"
  # The CPU build of onnxruntime-node (no CUDA download) unless the runner sets ONNXRUNTIME_NODE_INSTALL=cuda12.
  npm ci --no-audit --no-fund --loglevel=error
  echo "$wanted_deps" >"$deps_stamp"
else
  echo "modelgate: dependencies up to date ($wanted_deps)"
fi
wanted_build="$(source_hash)"
if [ "$(cat "$build_stamp" 2>/dev/null)" != "$wanted_build" ]; then
  echo "modelgate: building"
  npx --no-install tsc -b packages/cli/tsconfig.build.json
  echo "$wanted_build" >"$build_stamp"
else
  echo "modelgate: build up to date ($wanted_build)"
fi
echo "modelgate: ready in $(($(date +%s) - start))s"
