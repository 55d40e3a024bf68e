#!/usr/bin/env bash
# Measures the start-up of a modelgate action on this machine, both ways scripts/action-setup.sh installs:
#   source cold   empty npm cache, no node_modules: npm ci + build (a new runner, cache miss)
#   source build  node_modules present (restored from actions/cache), dist missing: build only
#   source warm   node_modules and dist present and matching (cache hit, or the runner's second job)
#   release cold  empty npm cache: the release tarballs installed with production dependencies only,
#                 npm ci from the release's lockfile
#   release warm  the release install present and matching: checks only
#   unlocked cold empty npm cache: the same tarballs without the lockfile (npm install, newest in range),
#                 as releases were installed before they carried one
# The release artifacts are packed (untimed) from the source export once it is built, as a release does.
# Usage: scripts/measure-action-startup.sh [--worktree] [workdir]   (downloads the dependencies from the
# npm registry). The export is of HEAD; with --worktree, of the working tree (tracked and untracked files).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
tree=HEAD
if [ "${1:-}" = "--worktree" ]; then
  tree=worktree
  shift
fi
work="${1:-$(mktemp -d /tmp/modelgate-startup.XXXXXX)}"
export_tree() {
  mkdir -p "$1"
  if [ "$tree" = worktree ]; then
    (cd "$repo" && git ls-files -co --exclude-standard -z | xargs -0 tar -c --ignore-failed-read) | tar -x -C "$1"
  else
    git -C "$repo" archive HEAD | tar -x -C "$1"
  fi
  cp "$repo/scripts/action-setup.sh" "$1/scripts/action-setup.sh"
}
seconds() { echo "$2 - $1" | bc; }
# Runs the setup in $1 with npm cache $2; prints "<label> <seconds>" and keeps the time in $took.
measure() {
  local dir="$1" cache="$2" label="$3" t0 t1
  t0=$(date +%s.%N)
  (cd "$dir" && npm_config_cache="$cache" bash scripts/action-setup.sh >"$work/$label.log" 2>&1)
  t1=$(date +%s.%N)
  took=$(seconds "$t0" "$t1")
  printf '%-13s %6.1f s\n' "$label" "$took"
}

export_tree "$work/source"
measure "$work/source" "$work/npm-cache-source" source-cold
source_cold=$took
rm -rf "$work"/source/packages/*/dist
measure "$work/source" "$work/npm-cache-source" source-build
measure "$work/source" "$work/npm-cache-source" source-warm

(cd "$work/source" && node scripts/release.mjs --out "$work/artifacts" >"$work/release.log" 2>&1)
export_tree "$work/release"
mkdir -p "$work/release/release"
cp "$work"/artifacts/*.tgz "$work"/artifacts/package.json "$work"/artifacts/package-lock.json "$work/release/release/"
measure "$work/release" "$work/npm-cache-release" release-cold
release_cold=$took
measure "$work/release" "$work/npm-cache-release" release-warm
export_tree "$work/unlocked"
mkdir -p "$work/unlocked/release"
cp "$work"/artifacts/*.tgz "$work/unlocked/release/"
measure "$work/unlocked" "$work/npm-cache-unlocked" unlocked-cold
unlocked_cold=$took

echo "cold start, release / source: $(printf '%.2f' "$(echo "$release_cold / $source_cold" | bc -l)")"
echo "cold start, release (locked) / release without the lockfile: $(printf '%.2f' "$(echo "$release_cold / $unlocked_cold" | bc -l)")"
echo "installed: source $(du -sh "$work/source/node_modules" | cut -f1) of node_modules," \
  "release $(du -sh "$work/release/.modelgate-install" | cut -f1) ($(du -ch "$work"/artifacts/*.tgz | tail -1 | cut -f1) of tarballs)"
echo "node $(node --version), $(nproc) cores, export of $tree, $(date -u +%Y-%m-%dT%H:%MZ)"
