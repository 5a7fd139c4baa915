#!/usr/bin/env bash
# Writes the pins of the widget's build tools (tools/README.md) anew, after a version bump:
#
#   scripts/pin-tools.sh                      both of the below
#   scripts/pin-tools.sh --wasm-bindgen-cli   tools/wasm-bindgen-cli/: Cargo.lock and crate.sha256
#                                             for wasm-bindgen-cli at the version of wasm-bindgen
#                                             in the root Cargo.lock
#   scripts/pin-tools.sh --binaryen           tools/binaryen/: package.json and package-lock.json
#                                             for binaryen@$BINARYEN_VERSION (scripts/lib.sh)
#
# The wasm-bindgen-cli lock starts as the one published inside the crate; a locked version
# the registry does not have is moved (`cargo update -p`) to the newest one it has, and each
# move is printed. Then review `git diff tools/`, run scripts/setup.sh (it builds and
# installs from the new pins) and commit tools/ with the change that needed it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

want_wb=0 want_binaryen=0
for arg in "$@"; do
  case "$arg" in
    --wasm-bindgen-cli) want_wb=1 ;;
    --binaryen) want_binaryen=1 ;;
    -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
    *) die "unknown option '$arg' (try --help)" ;;
  esac
done
((want_wb || want_binaryen)) || { want_wb=1; want_binaryen=1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# "name version" for every package of a Cargo.lock, sorted.
lock_entries() { awk '/^name = /{ n = $3 } /^version = /{ print n, $3 }' "$1" | tr -d '"' | sort; }

pin_wasm_bindgen_cli() {
  local version crate url sum index_sum src moved
  version="$(wasm_bindgen_locked_version)"
  [[ -n "$version" ]] || die "cannot read the wasm-bindgen version from Cargo.lock; run 'cargo generate-lockfile'"
  step "wasm-bindgen-cli $version: tools/wasm-bindgen-cli/"

  crate="wasm-bindgen-cli-$version.crate"
  url="$(wasm_bindgen_cli_crate_url "$version")"
  info "downloading $url"
  curl -fsSL --retry 3 -o "$work/$crate" "$url" || die "cannot download $url (crates.io must be reachable)"
  sum="$(sha256sum "$work/$crate" | cut -d' ' -f1)"
  # crates.io's index records the sha256 of every published archive (cargo checks the same).
  index_sum="$(curl -fsSL --retry 3 https://index.crates.io/wa/sm/wasm-bindgen-cli | node -e '
    let text = "";
    process.stdin.on("data", (d) => (text += d)).on("end", () => {
      for (const line of text.split("\n")) {
        if (!line.trim()) continue;
        const entry = JSON.parse(line);
        if (entry.vers === process.argv[1]) { console.log(entry.cksum); return; }
      }
    });' "$version")" || die "cannot read wasm-bindgen-cli from the crates.io index (index.crates.io must be reachable)"
  [[ -n "$index_sum" ]] || die "the crates.io index has no wasm-bindgen-cli $version"
  [[ "$sum" == "$index_sum" ]] ||
    die "$crate from $url has sha256 $sum, but the crates.io index says $index_sum: not pinning it (try again; if it persists, the download is being altered on the way)"
  ok "$crate sha256 $sum (equal to the crates.io index's checksum)"

  tar -xzf "$work/$crate" -C "$work"
  src="$work/wasm-bindgen-cli-$version"
  if [[ -f "$src/Cargo.lock" ]]; then
    cp "$src/Cargo.lock" "$work/published.lock"
    info "starting from the Cargo.lock published in the crate"
  else
    info "the crate publishes no Cargo.lock: resolving one against the registry"
    (cd "$src" && cargo generate-lockfile --quiet) || die "cargo generate-lockfile failed for wasm-bindgen-cli $version (output above)"
    cp "$src/Cargo.lock" "$work/published.lock"
  fi

  # Resolve with the lock as it is; where the registry lacks a locked version, move that one
  # package (and only the packages cargo must move with it) to the newest version it has.
  local tries=0 missing
  until (cd "$src" && cargo metadata --locked --format-version 1 >/dev/null 2>"$work/resolve.err"); do
    tries=$((tries + 1))
    missing="$(sed -n 's/.*failed to select a version for the requirement `\([A-Za-z0-9_-]*\) = .*(locked to \([^)]*\)).*/\1@\2/p' "$work/resolve.err" | head -n 1)"
    if [[ -z "$missing" || "$tries" -gt 50 ]]; then
      cat "$work/resolve.err" >&2
      die "the published lock of wasm-bindgen-cli $version does not resolve against the registry (cargo's error above) and names no missing version to move; resolve it by hand in an unpacked copy of $url, with 'cargo update -p <crate>', then copy its Cargo.lock to tools/wasm-bindgen-cli/"
    fi
    info "the registry has no ${missing/@/ }: moving it to the newest version it has"
    (cd "$src" && cargo update --quiet -p "$missing") || die "'cargo update -p $missing' failed (output above)"
  done

  mkdir -p "$WASM_BINDGEN_CLI_PIN_DIR"
  cp "$src/Cargo.lock" "$WASM_BINDGEN_CLI_PIN_DIR/Cargo.lock"
  printf '%s  %s\n' "$sum" "$crate" >"$WASM_BINDGEN_CLI_CRATE_SHA256_FILE"
  moved="$(diff <(lock_entries "$work/published.lock") <(lock_entries "$src/Cargo.lock") | grep '^[<>]' || true)"
  if [[ -n "$moved" ]]; then
    info "differences from the published lock (< published, > pinned):"
    while IFS= read -r line; do info "  $line"; done <<<"$moved"
  else
    info "the pinned lock is the published one"
  fi
  ok "wrote tools/wasm-bindgen-cli/Cargo.lock and crate.sha256"
  grep -qx "wasm_bindgen = \"$version\"" "$REPO_ROOT/Trunk.toml" ||
    warn "Trunk.toml's [tools] wasm_bindgen is not \"$version\": set it to the same version"
}

pin_binaryen() {
  local locked
  step "binaryen@$BINARYEN_VERSION: tools/binaryen/"
  mkdir -p "$work/binaryen"
  printf '%s\n' '{' '  "name": "balance-checkout-build-tools",' '  "private": true,' \
    '  "description": "binaryen (wasm-opt) for the widget build; written by scripts/pin-tools.sh, installed by scripts/setup.sh with npm ci"' \
    '}' >"$work/binaryen/package.json"
  info "running: npm install --package-lock-only --save-exact binaryen@$BINARYEN_VERSION"
  (cd "$work/binaryen" && npm install --package-lock-only --save-exact --ignore-scripts --no-audit --no-fund \
    --loglevel=error "binaryen@$BINARYEN_VERSION") || die "npm could not resolve binaryen@$BINARYEN_VERSION (the npm registry must be reachable)"
  locked="$(node -p 'require(process.argv[1]).packages["node_modules/binaryen"].version' "$work/binaryen/package-lock.json")"
  mkdir -p "$BINARYEN_PIN_DIR"
  cp "$work/binaryen/package.json" "$work/binaryen/package-lock.json" "$BINARYEN_PIN_DIR/"
  ok "wrote tools/binaryen/package.json and package-lock.json (binaryen $locked)"
  grep -qx "wasm_opt = \"version_$BINARYEN_VERSION\"" "$REPO_ROOT/Trunk.toml" ||
    warn "Trunk.toml's [tools] wasm_opt is not \"version_$BINARYEN_VERSION\": set it to the same version"
}

if ((want_wb)); then pin_wasm_bindgen_cli; fi
if ((want_binaryen)); then pin_binaryen; fi
step "Pins written: review 'git diff tools/', run scripts/setup.sh, then commit tools/"
