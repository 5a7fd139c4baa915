#!/usr/bin/env bash
# Install everything the demo and the tests need, idempotently.
#
#   scripts/setup.sh          everything (demo, tests, browsers, PostgreSQL, e2e packages)
#   scripts/setup.sh --demo   only what `scripts/demo.sh` needs
#
# Each step checks what is installed first and prints "ok (already installed)" when
# nothing is to do, so a second run takes a few seconds. Sources: Debian packages,
# crates.io (cargo install), the npm registry and PyPI (pip, into .tools/venv) only; nothing downloads browsers or
# prebuilt binaries from elsewhere.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

profile=all
for arg in "$@"; do
  case "$arg" in
    --demo) profile=demo ;;
    -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
    *) die "unknown option '$arg' (try --help)" ;;
  esac
done

# Another `cargo install` of the same crate (e.g. a previous run in another shell) would
# race with ours: wait for it instead of starting a duplicate.
wait_for_running_install() {
  local crate="$1" waited=0
  while pgrep -f "cargo install.* $crate( |$)" >/dev/null 2>&1; do
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
step "wasm-bindgen-cli (same version as wasm-bindgen in Cargo.lock)"
wb_version="$(wasm_bindgen_locked_version)"
[[ -n "$wb_version" ]] || die "cannot read the wasm-bindgen version from Cargo.lock; run 'cargo generate-lockfile'"
wait_for_running_install wasm-bindgen-cli
if [[ "$(wasm-bindgen --version 2>/dev/null)" == "wasm-bindgen $wb_version" ]] &&
  command -v wasm-bindgen-test-runner >/dev/null; then
  ok "wasm-bindgen $wb_version (already installed)"
else
  # Without --locked: with it, a pinned transitive crate is missing from the registry.
  cargo_install wasm-bindgen-cli "$wb_version" --force
  ok "wasm-bindgen $wb_version installed"
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
step "wasm-opt (npm binaryen@$BINARYEN_VERSION in .tools/)"
wasm_opt_version="$("$TOOLS_DIR/node_modules/.bin/wasm-opt" --version 2>/dev/null || true)"
if [[ "$wasm_opt_version" == *"version $BINARYEN_VERSION "* ]]; then
  ok "$wasm_opt_version (already installed)"
else
  # Debian's binaryen is too old for current rustc output, and Trunk cannot download it.
  mkdir -p "$TOOLS_DIR"
  [[ -f "$TOOLS_DIR/package.json" ]] || printf '{"private":true}\n' >"$TOOLS_DIR/package.json"
  info "running: npm install binaryen@$BINARYEN_VERSION in $TOOLS_DIR"
  npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_VERSION"
  ok "$("$TOOLS_DIR/node_modules/.bin/wasm-opt" --version) installed"
fi

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

step "Set-up complete"
