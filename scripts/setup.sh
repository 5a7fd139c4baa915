#!/usr/bin/env bash
# Install everything the demo and the tests need, idempotently.
#
#   scripts/setup.sh          everything (demo, tests, browsers, PostgreSQL, e2e packages)
#   scripts/setup.sh --demo   only what `scripts/demo.sh` needs
#
# Each step checks what is installed first and prints "ok (already installed)" when
# nothing is to do, so a second run takes a few seconds. Sources: Debian packages,
# crates.io (cargo install), the npm registry and PyPI (pip, into .tools/venv) only; nothing downloads browsers or
# prebuilt binaries from elsewhere. The tools that write the shipped widget are pinned in
# tools/ (tools/README.md): wasm-bindgen-cli is built from a committed Cargo.lock,
# binaryen is installed from a committed package-lock.json.
#
# BC_TOOLS_CARGO_ROOT=<dir>: install wasm-bindgen-cli under <dir>/bin instead of ~/.cargo/bin
# (scripts/lib.sh then puts <dir>/bin first on PATH), e.g. to try a new pin without
# replacing the binaries in use.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

profile=all
for arg in "$@"; do
  case "$arg" in
    --demo) profile=demo ;;
    -h | --help) sed -n '2,16p' "$0"; exit 0 ;;
    *) die "unknown option '$arg' (try --help)" ;;
  esac
done

# Another `cargo install` of the same crate (e.g. a previous run in another shell) would
# race with ours: wait for it instead of starting a duplicate.
wait_for_running_install() {
  local crate="$1" waited=0
  # By name (`cargo install trunk`) or from an unpacked crate (`--path …/<crate>-<version>`).
  while pgrep -f "cargo install.*[ /]$crate( |-[0-9]|$)" >/dev/null 2>&1; do
    ((waited == 0)) && info "a 'cargo install $crate' is already running; waiting for it to finish"
    sleep 5
    waited=$((waited + 5))
  done
  return 0
}

cargo_install() { # crate, version-or-empty, extra args...
  local crate="$1" version="$2"
  shift 2
  local args=(install "$crate")
  [[ -n "$version" ]] && args+=(--version "$version")
  args+=("$@")
  info "running: cargo ${args[*]} (several minutes on a cold machine)"
  cargo "${args[@]}" || die "cargo install $crate failed; see the output above (crates.io must be reachable)"
}

# The sha256 of the wasm-bindgen-cli crate pinned in tools/wasm-bindgen-cli/, after checking
# that the pin (lock and checksum) is for version $1, the wasm-bindgen of Cargo.lock.
wasm_bindgen_cli_pinned_sha256() {
  local version="$1" lock="$WASM_BINDGEN_CLI_PIN_DIR/Cargo.lock" sum="" file="" lock_version
  local regenerate="run scripts/pin-tools.sh --wasm-bindgen-cli, check that Trunk.toml's [tools] wasm_bindgen is \"$version\", and commit tools/wasm-bindgen-cli/ with the Cargo.lock change"
  [[ -f "$lock" && -f "$WASM_BINDGEN_CLI_CRATE_SHA256_FILE" ]] ||
    die "tools/wasm-bindgen-cli/Cargo.lock or crate.sha256 is missing: $regenerate"
  lock_version="$(cargo_lock_version "$lock" wasm-bindgen-cli)"
  read -r sum file <"$WASM_BINDGEN_CLI_CRATE_SHA256_FILE" || true
  if [[ "$lock_version" != "$version" || "$file" != "wasm-bindgen-cli-$version.crate" ]]; then
    die "tools/wasm-bindgen-cli/ pins wasm-bindgen-cli ${lock_version:-?} (Cargo.lock) and ${file:-?} (crate.sha256), but Cargo.lock has wasm-bindgen $version and the CLI must be the same version: $regenerate"
  fi
  [[ "$sum" =~ ^[0-9a-f]{64}$ ]] || die "tools/wasm-bindgen-cli/crate.sha256 holds no sha256: $regenerate"
  printf '%s\n' "$sum"
}

# Build wasm-bindgen-cli $1 from its crates.io archive (which must have the sha256 $2) with
# the committed lock, and install it under $3/bin. A subshell, so that its temporary
# directory goes on every exit.
install_pinned_wasm_bindgen_cli() (
  version="$1" want_sum="$2" root="$3"
  url="$(wasm_bindgen_cli_crate_url "$version")"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  info "downloading $url"
  curl -fsSL --retry 3 -o "$work/crate.tar.gz" "$url" || die "cannot download $url (crates.io must be reachable)"
  got_sum="$(sha256sum "$work/crate.tar.gz" | cut -d' ' -f1)"
  [[ "$got_sum" == "$want_sum" ]] ||
    die "wasm-bindgen-cli-$version.crate from $url has sha256 $got_sum, but tools/wasm-bindgen-cli/crate.sha256 pins $want_sum: refusing to build it. Run this again; if the mismatch stays, something between here and crates.io alters the download (or the pin is wrong: 'scripts/pin-tools.sh --wasm-bindgen-cli' checks the archive against the crates.io index)"
  ok "wasm-bindgen-cli-$version.crate sha256 $got_sum (as pinned)"
  tar -xzf "$work/crate.tar.gz" -C "$work"
  src="$work/wasm-bindgen-cli-$version"
  [[ -f "$src/Cargo.toml" ]] || die "the wasm-bindgen-cli archive has no wasm-bindgen-cli-$version/Cargo.toml"
  cp "$WASM_BINDGEN_CLI_PIN_DIR/Cargo.lock" "$src/Cargo.lock"
  info "running: cargo install --path <the unpacked crate> --locked --force --root $root (several minutes on a cold machine)"
  cargo install --path "$src" --locked --force --root "$root" ||
    die "cargo install of wasm-bindgen-cli $version from tools/wasm-bindgen-cli/Cargo.lock failed; see the output above (crates.io must be reachable; a crate version missing from the registry: run scripts/pin-tools.sh --wasm-bindgen-cli)"
)

# ---------------------------------------------------------------------------------------
step "Rust toolchain"
command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (https://rustup.rs) first"
command -v rustup >/dev/null || die "rustup not found: the wasm32 target is added with rustup"
info "$(rustc --version)"
installed_targets="$(rustup target list --installed)"
if grep -qx wasm32-unknown-unknown <<<"$installed_targets"; then
  ok "wasm32-unknown-unknown target (already installed)"
else
  info "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
  ok "wasm32-unknown-unknown target installed"
fi
installed_components="$(rustup component list --installed 2>/dev/null || true)"
if grep -q '^clippy' <<<"$installed_components" && grep -q '^rustfmt' <<<"$installed_components"; then
  ok "clippy, rustfmt (already installed)"
else
  rustup component add clippy rustfmt
fi

# ---------------------------------------------------------------------------------------
step "Debian packages"
# libssl-dev, pkg-config: OpenSSL for webauthn-rs (passkeys), which the server links (the
# demo needs them too).
apt_packages=(curl libssl-dev pkg-config)
# python3-venv: Schemathesis' venv (Debian's python3 has no ensurepip without it).
if [[ "$profile" == all ]] && ! python3 -c 'import ensurepip, venv' 2>/dev/null; then apt_packages+=(python3-venv); fi
if [[ "$profile" == all ]]; then
  # fonts-wqy-microhei: Chinese glyphs for the zh-CN screenshots (small, unlike Noto CJK).
  # webkit2gtk-driver: WebKitWebDriver and MiniBrowser (WebKit, Safari's engine); it has no
  # headless mode, so xvfb (xvfb-run, which needs xauth) gives it a display.
  apt_packages+=(chromium chromium-driver firefox-esr brotli postgresql fonts-wqy-microhei
    webkit2gtk-driver xvfb xauth)
fi
command -v node >/dev/null || apt_packages+=(nodejs npm)
missing=()
for pkg in "${apt_packages[@]}"; do
  if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]} == 0)); then
  ok "${apt_packages[*]} (already installed)"
else
  command -v apt-get >/dev/null || die "missing ${missing[*]} and apt-get is not available: install them with your package manager"
  info "installing ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  ok "installed ${missing[*]}"
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
((node_major >= 20)) || die "Node.js $(node --version) is too old: the e2e tests and playwright-core need Node.js 20 or later"

# ---------------------------------------------------------------------------------------
step "wasm-bindgen-cli (same version as wasm-bindgen in Cargo.lock, built from tools/wasm-bindgen-cli/)"
wb_version="$(wasm_bindgen_locked_version)"
[[ -n "$wb_version" ]] || die "cannot read the wasm-bindgen version from Cargo.lock; run 'cargo generate-lockfile'"
wb_crate_sum="$(wasm_bindgen_cli_pinned_sha256 "$wb_version")"
# Where cargo installs by default, unless BC_TOOLS_CARGO_ROOT says otherwise.
wb_root="${BC_TOOLS_CARGO_ROOT:-${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}}"
# What was built, beside the binaries: a wasm-bindgen of the right version built some other
# way (e.g. `cargo install` without a lock) is built again, once.
wb_stamp="$wb_root/.wasm-bindgen-cli.pin"
wb_pin="wasm-bindgen-cli $wb_version crate-sha256 $wb_crate_sum lock-sha256 $(sha256sum "$WASM_BINDGEN_CLI_PIN_DIR/Cargo.lock" | cut -d' ' -f1)"
wait_for_running_install wasm-bindgen-cli
if [[ "$("$wb_root/bin/wasm-bindgen" --version 2>/dev/null)" == "wasm-bindgen $wb_version" &&
  -x "$wb_root/bin/wasm-bindgen-test-runner" && "$(cat "$wb_stamp" 2>/dev/null)" == "$wb_pin" ]]; then
  ok "wasm-bindgen $wb_version (already installed from tools/wasm-bindgen-cli/Cargo.lock)"
else
  install_pinned_wasm_bindgen_cli "$wb_version" "$wb_crate_sum" "$wb_root"
  printf '%s\n' "$wb_pin" >"$wb_stamp"
  ok "$("$wb_root/bin/wasm-bindgen" --version) and wasm-bindgen-test-runner installed in $wb_root/bin"
fi

# ---------------------------------------------------------------------------------------
step "Trunk $TRUNK_VERSION"
wait_for_running_install trunk
if [[ "$(trunk --version 2>/dev/null)" == "trunk $TRUNK_VERSION" ]]; then
  ok "trunk $TRUNK_VERSION (already installed)"
else
  # --locked is required: without it lightningcss and cssparser do not compile together;
  # 0.22 needs a newer rustc than this project's toolchain.
  cargo_install trunk "$TRUNK_VERSION" --locked --force
  ok "trunk $TRUNK_VERSION installed"
fi

# ---------------------------------------------------------------------------------------
step "wasm-opt (binaryen $BINARYEN_VERSION from tools/binaryen/package-lock.json, into .tools/)"
binaryen_locked="$(node -p 'require(process.argv[1]).packages["node_modules/binaryen"]?.version ?? ""' \
  "$BINARYEN_PIN_DIR/package-lock.json" 2>/dev/null || true)"
if [[ "$binaryen_locked" != "$BINARYEN_VERSION" && "$binaryen_locked" != "$BINARYEN_VERSION".* ]]; then
  die "tools/binaryen/package-lock.json locks binaryen ${binaryen_locked:-(nothing)}, but scripts/lib.sh pins BINARYEN_VERSION=$BINARYEN_VERSION: run scripts/pin-tools.sh --binaryen, check that Trunk.toml's [tools] wasm_opt is \"version_$BINARYEN_VERSION\", and commit tools/binaryen/"
fi
binaryen_stamp="$TOOLS_DIR/node_modules/.installed-lock.sha256"
binaryen_lock_sum="$(sha256sum "$BINARYEN_PIN_DIR/package-lock.json" | cut -d' ' -f1)"
wasm_opt_version="$("$TOOLS_DIR/node_modules/.bin/wasm-opt" --version 2>/dev/null || true)"
if [[ "$wasm_opt_version" == *"version $BINARYEN_VERSION "* && -f "$binaryen_stamp" &&
  "$(cat "$binaryen_stamp")" == "$binaryen_lock_sum" ]]; then
  ok "$wasm_opt_version (already installed from tools/binaryen/package-lock.json)"
else
  # Debian's binaryen is too old for current rustc output, and Trunk cannot download it.
  # npm ci installs exactly the lock (integrity hashes checked) and nothing else.
  mkdir -p "$TOOLS_DIR"
  cp "$BINARYEN_PIN_DIR/package.json" "$BINARYEN_PIN_DIR/package-lock.json" "$TOOLS_DIR/"
  info "running: npm ci in .tools/ (from tools/binaryen/package-lock.json)"
  (cd "$TOOLS_DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) ||
    die "npm ci of binaryen $binaryen_locked failed; see the output above (the npm registry must be reachable)"
  echo "$binaryen_lock_sum" >"$binaryen_stamp"
  ok "$("$TOOLS_DIR/node_modules/.bin/wasm-opt" --version) installed"
fi

# ---------------------------------------------------------------------------------------
# An npm package pinned in tools/<name>/ (package.json and package-lock.json), installed
# with `npm ci` into .tools/<name>/ unless the lock installed there is this one and `file`
# (what the build uses, relative to that node_modules) exists. Extra arguments go to npm.
npm_pinned() {
  local name="$1" file="$2"
  shift 2
  local pin_dir="$REPO_ROOT/tools/$name" dir="$TOOLS_DIR/$name"
  local target="$dir/node_modules/$file" stamp="$dir/node_modules/.installed-lock.sha256"
  local lock_sum locked
  lock_sum="$(sha256sum "$pin_dir/package-lock.json" | cut -d' ' -f1)"
  locked="$(node -p 'require(process.argv[1]).packages["node_modules/" + process.argv[2]]?.version ?? ""' \
    "$pin_dir/package-lock.json" "$name" 2>/dev/null || true)"
  [[ -n "$locked" ]] || die "tools/$name/package-lock.json locks no $name: write it again with 'npm install --package-lock-only --ignore-scripts' in tools/$name/ and commit both files"
  if [[ -s "$target" && -f "$stamp" && "$(cat "$stamp")" == "$lock_sum" ]]; then
    ok "$name $locked (already installed from tools/$name/package-lock.json)"
    return
  fi
  # npm ci installs exactly the lock (integrity hashes checked) and nothing else.
  mkdir -p "$dir"
  cp "$pin_dir/package.json" "$pin_dir/package-lock.json" "$dir/"
  info "running: npm ci in .tools/$name/ (from tools/$name/package-lock.json)"
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error "$@") ||
    die "npm ci of $name $locked failed; see the output above (the npm registry must be reachable)"
  [[ -s "$target" ]] || die "$name $locked is installed but has no ${target#"$REPO_ROOT/"}"
  echo "$lock_sum" >"$stamp"
  ok "$name $locked installed: ${target#"$REPO_ROOT/"}"
}

step "Redoc (the API reference's renderer, from tools/redoc/package-lock.json, into .tools/redoc/)"
# The wallet serves its API reference at /docs with Redoc's standalone bundle, a single
# file with no dependencies of its own; peer dependencies (React and the rest) are
# therefore not installed.
npm_pinned redoc redoc/bundles/redoc.standalone.js --omit=peer

step "terser (minifies loader.js and frame.js in the widget build, from tools/terser/package-lock.json, into .tools/terser/)"
npm_pinned terser terser/bin/terser

[[ "$profile" == demo ]] && { step "Set-up for the demo complete"; exit 0; }

# ---------------------------------------------------------------------------------------
step "geckodriver (Firefox tests)"
wait_for_running_install geckodriver
if command -v geckodriver >/dev/null && geckodriver --version >/dev/null 2>&1; then
  ok "$(geckodriver --version 2>/dev/null | sed -n 1p) (already installed)"
else
  cargo_install geckodriver "" --locked
  ok "$(geckodriver --version 2>/dev/null | sed -n 1p) installed"
fi

# ---------------------------------------------------------------------------------------
step "End-to-end packages (e2e/node_modules from e2e/package-lock.json)"
stamp="$REPO_ROOT/e2e/node_modules/.installed-lock.sha256"
lock_sum="$(sha256sum "$REPO_ROOT/e2e/package-lock.json" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$lock_sum" ]]; then
  ok "playwright-core, axe-core, selenium-webdriver (already installed)"
else
  info "running: npm ci in e2e/"
  (cd "$REPO_ROOT/e2e" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" >"$stamp"
  ok "playwright-core, axe-core, selenium-webdriver installed"
fi

# ---------------------------------------------------------------------------------------
step "Schemathesis $SCHEMATHESIS_VERSION (PyPI, in the venv .tools/venv)"
if [[ "$("$TOOLS_DIR/venv/bin/schemathesis" --version 2>/dev/null)" == *"version $SCHEMATHESIS_VERSION" ]]; then
  ok "schemathesis $SCHEMATHESIS_VERSION (already installed)"
else
  # The API fuzzer of the `schemathesis` test stage, kept out of the system's Python.
  python3 -m venv "$TOOLS_DIR/venv" ||
    die "python3 -m venv failed: install Debian's python3-venv (apt-get install python3-venv)"
  info "running: $TOOLS_DIR/venv/bin/pip install schemathesis==$SCHEMATHESIS_VERSION"
  "$TOOLS_DIR/venv/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
  ok "$("$TOOLS_DIR/venv/bin/schemathesis" --version) installed"
fi

# ---------------------------------------------------------------------------------------
# The `clients` stage (scripts/clients.sh): a client generated from the API document drives
# the demo, a strict validator checks every answer against the document, and the Standard
# Webhooks library verifies the deliveries. In the same venv (they share no pin with
# Schemathesis that conflicts: `pip check` stays clean).
OPENAPI_PYTHON_CLIENT_VERSION="0.29.1"
OPENAPI_CORE_VERSION="0.23.1"
STANDARDWEBHOOKS_VERSION="1.1.0"
step "openapi-python-client $OPENAPI_PYTHON_CLIENT_VERSION, openapi-core $OPENAPI_CORE_VERSION, standardwebhooks $STANDARDWEBHOOKS_VERSION (PyPI, in the venv .tools/venv)"
client_pins=("openapi-python-client==$OPENAPI_PYTHON_CLIENT_VERSION" "openapi-core==$OPENAPI_CORE_VERSION"
  "standardwebhooks==$STANDARDWEBHOOKS_VERSION")
client_installed="$("$TOOLS_DIR/venv/bin/pip" freeze 2>/dev/null || true)"
client_missing=()
for pin in "${client_pins[@]}"; do
  grep -qix -- "$pin" <<<"$client_installed" || client_missing+=("$pin")
done
if ((${#client_missing[@]} == 0)); then
  ok "${client_pins[*]} (already installed)"
else
  [[ -x "$TOOLS_DIR/venv/bin/pip" ]] || die "$TOOLS_DIR/venv is missing (the Schemathesis step above makes it)"
  info "running: $TOOLS_DIR/venv/bin/pip install ${client_missing[*]}"
  "$TOOLS_DIR/venv/bin/pip" install --quiet "${client_missing[@]}" ||
    die "pip install of ${client_missing[*]} failed; see the output above (PyPI must be reachable)"
  ok "${client_pins[*]} installed"
fi

step "Set-up complete"
