# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are for the scripts that source this file
# Shared helpers for scripts/*.sh. Source it; it sets REPO_ROOT and PATH.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT
TOOLS_DIR="$REPO_ROOT/.tools"
# BC_TOOLS_CARGO_ROOT: another install root for wasm-bindgen-cli (scripts/setup.sh), used first.
export PATH="${BC_TOOLS_CARGO_ROOT:+$BC_TOOLS_CARGO_ROOT/bin:}$HOME/.cargo/bin:$TOOLS_DIR/node_modules/.bin:$PATH"

# Versions pinned by the toolchain facts (docs: README.md, "What the scripts install").
TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132"
SCHEMATHESIS_VERSION="4.32.5"

if [[ -t 1 ]]; then
  _B=$'\033[1m'; _G=$'\033[32m'; _R=$'\033[31m'; _Y=$'\033[33m'; _N=$'\033[0m'
else
  _B=""; _G=""; _R=""; _Y=""; _N=""
fi

step() { printf '\n%s==> %s%s\n' "$_B" "$*" "$_N"; }
ok() { printf '    %sok%s %s\n' "$_G" "$_N" "$*"; }
info() { printf '    %s\n' "$*"; }
warn() { printf '    %swarning:%s %s\n' "$_Y" "$_N" "$*" >&2; }
die() { printf '%serror:%s %s\n' "$_R" "$_N" "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "'$*' needs root and sudo is not installed; run this script as root or install sudo"
  fi
}

# The version of package $2 in the Cargo.lock $1 (the first entry of that name).
cargo_lock_version() {
  awk -v want="name = \"$2\"" '$0 == want { getline; gsub(/version = |"/, ""); print; exit }' "$1"
}

# The exact wasm-bindgen version the workspace is locked to.
wasm_bindgen_locked_version() { cargo_lock_version "$REPO_ROOT/Cargo.lock" wasm-bindgen; }

# Pinned build tools (tools/README.md): wasm-bindgen-cli is built from tools/wasm-bindgen-cli/
# (a Cargo.lock and the sha256 of the crate's archive), binaryen is installed from
# tools/binaryen/package-lock.json. scripts/pin-tools.sh writes both; scripts/setup.sh
# installs from them.
WASM_BINDGEN_CLI_PIN_DIR="$REPO_ROOT/tools/wasm-bindgen-cli"
WASM_BINDGEN_CLI_CRATE_SHA256_FILE="$WASM_BINDGEN_CLI_PIN_DIR/crate.sha256"
BINARYEN_PIN_DIR="$REPO_ROOT/tools/binaryen"

# Where crates.io serves the archive of wasm-bindgen-cli version $1 (the .crate cargo downloads).
wasm_bindgen_cli_crate_url() {
  printf 'https://static.crates.io/crates/wasm-bindgen-cli/wasm-bindgen-cli-%s.crate\n' "$1"
}

# Print a free TCP port on 127.0.0.1.
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Wait until an HTTP URL answers (any status), up to $2 seconds.
wait_http() {
  local url="$1" timeout="${2:-60}" i
  for ((i = 0; i < timeout * 10; i++)); do
    if curl -s -o /dev/null --max-time 1 "$url"; then return 0; fi
    sleep 0.1
  done
  return 1
}

# Format seconds as "1m 23s".
fmt_duration() {
  local s="$1"
  if ((s >= 60)); then printf '%dm %02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}
