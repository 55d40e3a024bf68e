#!/usr/bin/env bash
# Installs modelgate for the actions, once per runner and lockfile (or release), in one of two ways:
#   release  the action's checkout holds release artifacts in release/*.tgz (npm run release -- --out release,
#            committed by scripts/cut-release.sh): they are installed with their production dependencies only
#            into .modelgate-install/, with no build (the tarballs carry dist/) and no dev dependencies; with
#            npm ci from release/package-lock.json (the versions the toolkit was tested with) when the release
#            has one. Faster: see ACTIONS.md.
#   source   otherwise: npm ci of the whole workspace, then tsc -b.
#
#   action-setup.sh key      print the dependency cache key, paths and whether this checkout is
#                            already installed (and built) (ready) to $GITHUB_OUTPUT (or stdout)
#   action-setup.sh          install unless the install matches its stamp, build (source only) unless
#                            dist matches the sources; then print entry=<the action entry script> and
#                            bin=<the modelgate CLI script> (to $GITHUB_OUTPUT, or stdout)
#
# The composite actions run `key`, restore the paths with actions/cache, then run the install:
# on a warm runner (or a cache hit) the install and the build are skipped.
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
release_install=".modelgate-install"
release_stamp="$release_install/node_modules/.modelgate-release"
shopt -s nullglob
release_tarballs=(release/*.tgz)
shopt -u nullglob
# A release without its lockfile (made before releases carried one) is installed by semver range.
release_locked=false
if [ -f release/package-lock.json ] && [ -f release/package.json ]; then release_locked=true; fi
release_hash() {
  local files=("${release_tarballs[@]}")
  if [ "$release_locked" = true ]; then files+=(release/package.json release/package-lock.json); fi
  sha256sum "${files[@]}" | sha256sum | cut -c1-16
}

emit() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1=$2" >>"$GITHUB_OUTPUT"; else echo "$1=$2"; fi
}

if [ "${1:-}" = "key" ]; then
  os="${RUNNER_OS:-$(uname -s)}"
  # ready: a self-hosted runner kept this checkout's install (and build) from an earlier job.
  ready=false
  if [ ${#release_tarballs[@]} -gt 0 ]; then
    if [ "$(cat "$release_stamp" 2>/dev/null)" = "node$(node_version)-$(release_hash)" ]; then ready=true; fi
    emit ready "$ready"
    emit key "modelgate-release-${os}-node$(node_version)-$(release_hash)"
    emit restore-key "modelgate-release-${os}-node$(node_version)-$(release_hash)"
    paths="$root/$release_install"
  else
    if [ "$(cat "$deps_stamp" 2>/dev/null)" = "node$(node_version)-$(lock_hash)" ] &&
      [ "$(cat "$build_stamp" 2>/dev/null)" = "$(source_hash)" ]; then ready=true; fi
    emit ready "$ready"
    emit key "modelgate-deps-${os}-node$(node_version)-$(lock_hash)-$(source_hash)"
    emit restore-key "modelgate-deps-${os}-node$(node_version)-$(lock_hash)-"
    # Multi-line output: the node_modules of the root and every workspace, and the built dist folders.
    paths="$root/node_modules"
    for p in packages/*/; do paths+=$'\n'"$root/${p}node_modules"$'\n'"$root/${p}dist"; done
  fi
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    delimiter="modelgate_$RANDOM$RANDOM"
    printf 'paths<<%s\n%s\n%s\n' "$delimiter" "$paths" "$delimiter" >>"$GITHUB_OUTPUT"
  else
    printf 'paths=%s\n' "$paths"
  fi
  exit 0
fi

start=$(date +%s)
if [ ${#release_tarballs[@]} -gt 0 ]; then
  wanted="node$(node_version)-$(release_hash)"
  if [ "$(cat "$release_stamp" 2>/dev/null)" != "$wanted" ]; then
    rm -rf "$release_install"
    mkdir -p "$release_install"
    # onnxruntime-node's own install script runs here: the CPU build it ships, no CUDA download,
    # unless the runner sets ONNXRUNTIME_NODE_INSTALL=cuda12.
    export ONNXRUNTIME_NODE_INSTALL="${ONNXRUNTIME_NODE_INSTALL:-skip}"
    if [ "$release_locked" = true ]; then
      echo "modelgate: installing the release artifacts (${#release_tarballs[@]} tarballs, production dependencies only, npm ci from release/package-lock.json)"
      # The lock names the tarballs by paths relative to it: the install folder gets a copy of all three.
      cp "${release_tarballs[@]}" release/package.json release/package-lock.json "$release_install/"
      (cd "$release_install" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
    else
      echo "modelgate: installing the release artifacts (${#release_tarballs[@]} tarballs, production dependencies only, no lockfile: newest versions in range)"
      echo '{ "private": true }' >"$release_install/package.json"
      (cd "$release_install" &&
        npm install --omit=dev --no-audit --no-fund --loglevel=error "${release_tarballs[@]/#/$root/}")
    fi
    echo "$wanted" >"$release_stamp"
  else
    echo "modelgate: release install up to date ($wanted)"
  fi
  emit entry "$root/$release_install/node_modules/@modelgate/cli/dist/action-entry.js"
  emit bin "$root/$release_install/node_modules/@modelgate/cli/dist/bin.js"
  echo "modelgate: ready in $(($(date +%s) - start))s"
  exit 0
fi
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
emit entry "$root/packages/cli/dist/action-entry.js"
emit bin "$root/packages/cli/dist/bin.js"
echo "modelgate: ready in $(($(date +%s) - start))s"
