#!/usr/bin/env bash
# Cuts a toolkit release: builds and packs the release artifacts (npm run release) of the current commit,
# commits them as release/ on a release commit whose parent is that commit (branch release/v<version>, tag
# v<version>), pushes the branch and the tag, and prints the release commit's SHA. Workflows pinned to that
# SHA (modelgate init --toolkit-ref <sha>) start their actions from the artifacts (scripts/action-setup.sh's
# release path) instead of npm ci + build. Your branch, index and working tree are left as they were.
#
# Usage: scripts/cut-release.sh [--remote <name>] [--no-push] [--artifacts <dir>]
#   --remote <name>    where to push the branch and the tag (default: origin)
#   --no-push          commit and tag locally only
#   --artifacts <dir>  commit the artifacts `npm run release -- --out <dir>` already made from this commit
#                      instead of making them again
# Prints: source=<sha> (the commit released), tag=<tag>, branch=<branch>, sha=<the release commit to pin>.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

fail() {
  echo "error: $1" >&2
  exit 2
}
remote=origin
push=true
artifacts=""
while [ $# -gt 0 ]; do
  case "$1" in
  --remote) [ $# -ge 2 ] || fail "--remote: expected a remote name"; remote="$2"; shift 2 ;;
  --no-push) push=false; shift ;;
  --artifacts)
    [ $# -ge 2 ] || fail "--artifacts: expected a folder"
    artifacts="$(cd "$2" 2>/dev/null && pwd)" || fail "--artifacts $2: no such folder"
    shift 2
    ;;
  *) fail "$1: unknown argument (usage: scripts/cut-release.sh [--remote <name>] [--no-push] [--artifacts <dir>])" ;;
  esac
done

# The artifacts are built from the working tree: only a clean one is the commit they claim to be.
if [ -n "$(git status --porcelain)" ]; then
  fail "the working tree has uncommitted changes: commit or remove them first (git status), so the release is of one commit"
fi
source_sha="$(git rev-parse --verify 'HEAD^{commit}')"
version="$(node -p 'require("./packages/cli/package.json").version')"
tag="v$version"
branch="release/$tag"
if git rev-parse -q --verify "refs/tags/$tag" >/dev/null; then fail "tag $tag exists already: raise the version in packages/*/package.json first"; fi
if git rev-parse -q --verify "refs/heads/$branch" >/dev/null; then fail "branch $branch exists already: raise the version first"; fi

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
if [ -n "$artifacts" ]; then
  [ -f "$artifacts/package-lock.json" ] || fail "--artifacts $artifacts: no package-lock.json (made by npm run release -- --out <dir>)"
  mkdir "$stage/release"
  cp "$artifacts"/*.tgz "$artifacts/package.json" "$artifacts/package-lock.json" "$stage/release/"
  pinned="$(tar -xzOf "$stage"/release/modelgate-cli-*.tgz package/dist/toolkit-pin.json | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).commit')"
  if [ "$pinned" != "$source_sha" ]; then
    echo "warning: --artifacts $artifacts were built from $pinned, not from HEAD ($source_sha)" >&2
  fi
else
  node scripts/release.mjs --out "$stage/release" >&2
fi

# The release commit: HEAD's tree plus release/, written through a throwaway index.
export GIT_INDEX_FILE="$stage/index"
git read-tree "$source_sha"
git --work-tree="$stage" add -f release
tree="$(git write-tree)"
unset GIT_INDEX_FILE
sha="$(git commit-tree "$tree" -p "$source_sha" -m "Release $tag: the artifacts of $source_sha" \
  -m "scripts/cut-release.sh: release/ holds npm run release's tarballs and lockfile. Pin this commit: modelgate init --toolkit-ref <this commit's SHA>.")"
git update-ref "refs/heads/$branch" "$sha" ""
git tag "$tag" "$sha"
if [ "$push" = true ]; then
  git push --quiet "$remote" "refs/heads/$branch" "refs/tags/$tag" >&2
fi

echo "source=$source_sha"
echo "tag=$tag"
echo "branch=$branch"
echo "sha=$sha"
echo "Released $tag as $sha: pin it with  npx modelgate init --toolkit-ref $sha" >&2
