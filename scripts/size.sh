#!/usr/bin/env bash
# The widget's weight: builds dist/ with `trunk build --release` and reports the raw,
# gzip -9 and brotli (quality 11) bytes of everything a shopper downloads — loader.js
# (the only file the merchant's page itself loads), then in the frame on the wallet's
# origin the frame document, frame.js, the wasm-bindgen glue, the wasm and widget.css
# (hashed names) — and their total, as a Markdown table (the `## Widget size` section of
# BENCHMARKS.md). `--no-build` measures dist/ as it is; `--top` prints the wasm's 20
# largest items by name instead (twiggy).
# Needs trunk, wasm-bindgen-cli and wasm-opt (binaryen 132, in .tools/) on PATH, gzip
# and brotli.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

if [[ "${1:-}" == "--top" ]]; then
  # The wasm's 20 largest items by name: the widget built as Trunk builds it (profile
  # wasm-release, wasm-bindgen, wasm-opt -Oz), but with the name section kept.
  command -v twiggy >/dev/null || { echo "needs twiggy: cargo install twiggy --version 0.8.0 --locked" >&2; exit 1; }
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
  cargo build -q --lib --target wasm32-unknown-unknown --profile wasm-release >&2
  wasm-bindgen --target web --out-dir "$out" target/wasm32-unknown-unknown/wasm-release/balance_checkout.wasm
  wasm-opt -Oz --debuginfo "$out/balance_checkout_bg.wasm" -o "$out/named.wasm"
  twiggy top -n 21 "$out/named.wasm"
  exit 0
fi
if [[ "${1:-}" != "--no-build" ]]; then
  trunk build --release >&2
fi

shopt -s nullglob
hashed() { local m=(dist/$1); [[ ${#m[@]} -eq 1 ]] || { echo "expected one dist/$1, found ${#m[@]} (rebuild)" >&2; exit 1; }; basename "${m[0]}"; }
files=(loader.js index.html frame.js "$(hashed 'balance-checkout-*[0-9a-f].js')" "$(hashed 'balance-checkout-*_bg.wasm')" "$(hashed 'widget-*.css')")
total_raw=0 total_gz=0 total_br=0
echo "| file | raw | gzip -9 | brotli |"
echo "|---|---:|---:|---:|"
for f in "${files[@]}"; do
  path="dist/$f"
  [[ -f "$path" ]] || { echo "missing $path (build first)" >&2; exit 1; }
  raw=$(wc -c < "$path")
  gz=$(gzip -9 -c "$path" | wc -c)
  br=$(brotli -q 11 -c "$path" | wc -c)
  total_raw=$((total_raw + raw)) total_gz=$((total_gz + gz)) total_br=$((total_br + br))
  echo "| $f | $raw | $gz | $br |"
done
echo "| **total** | **$total_raw** | **$total_gz** | **$total_br** |"
