#!/usr/bin/env bash
# Trunk's post-build hook (Trunk.toml): in a release build, minifies the two scripts Trunk
# copies as they are, loader.js (the merchant's page loads it) and frame.js (the wallet
# server writes it into every frame document), with terser (pinned in tools/terser/,
# installed into .tools/terser/ by scripts/setup.sh). Comments and local names go. A
# debug build keeps them readable.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ "${TRUNK_PROFILE:-release}" == release ]] || exit 0
staging="${TRUNK_STAGING_DIR:?run by trunk build}"
terser=".tools/terser/node_modules/.bin/terser"
if [[ ! -x "$terser" ]]; then
  echo "error: $terser is missing: run scripts/setup.sh (it installs terser from tools/terser/package-lock.json)" >&2
  exit 1
fi
for file in loader.js frame.js; do
  "$terser" "$staging/$file" --compress --mangle --ecma 2017 --output "$staging/$file.min"
  mv "$staging/$file.min" "$staging/$file"
done
