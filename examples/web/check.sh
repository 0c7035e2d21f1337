#!/usr/bin/env bash
# Rebuilds the renderer into a temporary folder and fails if the committed public/js differs (stale JS, or
# bindings regenerated without rebuilding). Run `npm run build` here to refresh it.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
fresh="$(mktemp -d)"
trap 'rm -rf "$fresh"' EXIT
npx --no-install tsc -p tsconfig.json --outDir "$fresh"
if ! diff -r "$fresh" public/js; then
  echo "examples/web/public/js is stale: run 'npm run build' in examples/web and commit the result" >&2
  exit 1
fi
echo "examples/web: public/js is up to date with src/ and bindings/"
