#!/usr/bin/env bash
# The measurement harness: every figure of BENCHMARKS.md in one run, each printed with
# the command that produced it.
#
#   scripts/bench.sh              bytes, browser load/recompute/memory, backend load
#   scripts/bench.sh --no-backend skip the server load test (and PostgreSQL)
#   scripts/bench.sh --loads 20   cold loads per condition (default 10)
#   scripts/bench.sh --base-server OLD/wallet-server --base-widget OLD/dist
#                                 also load a previous build, round by round with this
#                                 one; the load figures are printed as ratios to it
#
# Steps: scripts/size.sh (widget bytes, raw/gzip/brotli); `trunk build --release` and
# `cargo build --release -p wallet-server`; node e2e/bench/run.mjs (headless Chromium
# through the DevTools protocol against `wallet-server demo` on loopback: cold loads
# unthrottled, on Slow 4G and on 400 kbit/s with 4x CPU, the checkout frame throttled
# too, beside two floor pages; recompute and memory);
# e2e/bench/engines.mjs (load to interactive in Chromium, Firefox and WebKit through
# WebDriver, under xvfb-run); and `cargo bench -p wallet-server --bench load`, `passkeys` and
# `--bench webhooks` on SQLite and on a throwaway PostgreSQL.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

backend=1 loads=10 base=()
while (($#)); do
  case "$1" in
    --no-backend) backend=0 ;;
    --loads) loads="${2:?--loads needs a number}"; shift ;;
    --base-server) base+=(--base-server "$(realpath "${2:?--base-server needs a wallet-server binary}")"); shift ;;
    --base-widget) base+=(--base-widget "$(realpath "${2:?--base-widget needs a widget dist directory}")"); shift ;;
    -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
    *) die "unknown option '$1' (try --help)" ;;
  esac
  shift
done

timed() { # description, command...
  local desc="$1" start=$SECONDS
  shift
  step "$desc"
  [[ "$1" == build_* ]] || info "command: $*"
  "$@"
  ok "$desc: $(fmt_duration $((SECONDS - start)))"
}

pg_started_here=0
cleanup() {
  if ((pg_started_here)); then "$REPO_ROOT/scripts/pg-start.sh" --stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

"$REPO_ROOT/scripts/setup.sh" >/dev/null || die "scripts/setup.sh failed; run it on its own to see why"
info "machine: $(nproc) cores, $(uname -m); $(rustc --version); $(chromium --version 2>/dev/null | head -n1)"

if [[ -x "$REPO_ROOT/scripts/size.sh" ]]; then
  timed "Widget bytes (scripts/size.sh)" "$REPO_ROOT/scripts/size.sh"
else
  warn "scripts/size.sh not found: no byte figures"
fi

[[ -f "$REPO_ROOT/dist/loader.js" ]] || timed "Widget build" trunk build --release
timed "Server build" cargo build --release -p wallet-server --quiet

timed "checkout-quote (native quote)" cargo build --release -p checkout-core --bin checkout-quote --quiet

# checkout-core alone in wasm, built with the widget's size settings (own workspace).
quote_dir="$REPO_ROOT/target/quote-wasm-bench"
build_quote_wasm() {
  info "command: CARGO_TARGET_DIR=target/quote-wasm-bench cargo build --release --target wasm32-unknown-unknown --manifest-path e2e/bench/quote-wasm/Cargo.toml"
  info "command: wasm-bindgen --target web --no-typescript --out-dir target/quote-wasm-bench/pkg target/quote-wasm-bench/wasm32-unknown-unknown/release/quote_wasm_bench.wasm"
  CARGO_TARGET_DIR="$quote_dir" cargo build --quiet --release --target wasm32-unknown-unknown \
    --manifest-path "$REPO_ROOT/e2e/bench/quote-wasm/Cargo.toml"
  wasm-bindgen --target web --no-typescript --out-dir "$quote_dir/pkg" \
    "$quote_dir/wasm32-unknown-unknown/release/quote_wasm_bench.wasm"
}
timed "Quote bench in wasm (e2e/bench/quote-wasm)" build_quote_wasm

timed "Browser figures" node "$REPO_ROOT/e2e/bench/run.mjs" --loads "$loads" "${base[@]}" \
  --quote-pkg "$quote_dir/pkg" --quote-bin "$REPO_ROOT/target/release/checkout-quote"

# The same load in Chromium, Firefox and WebKit through WebDriver (WebKit needs a display).
timed "Load by engine (e2e/bench/engines.mjs)" \
  env -C "$REPO_ROOT/e2e" xvfb-run -a node bench/engines.mjs --loads "$loads"

if ((backend)); then
  if [[ -z "${BC_TEST_POSTGRES_URL:-}" && -x "$REPO_ROOT/scripts/pg-start.sh" ]]; then
    if ! (exec 3<>"/dev/tcp/127.0.0.1/${BC_PG_PORT:-55432}") 2>/dev/null; then pg_started_here=1; fi
    BC_TEST_POSTGRES_URL="$("$REPO_ROOT/scripts/pg-start.sh" | tail -n1)"
    export BC_TEST_POSTGRES_URL
  fi
  timed "Backend load (SQLite${BC_TEST_POSTGRES_URL:+ and PostgreSQL})" \
    cargo bench -p wallet-server --bench load
  timed "Webhook delivery (SQLite${BC_TEST_POSTGRES_URL:+ and PostgreSQL})" \
    cargo bench -p wallet-server --bench webhooks
  timed "Passkeys against the password (SQLite${BC_TEST_POSTGRES_URL:+ and PostgreSQL})" \
    cargo bench -p wallet-server --bench passkeys
fi
