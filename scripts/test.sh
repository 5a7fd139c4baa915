#!/usr/bin/env bash
# The whole test suite, in the order a failure is cheapest to find:
#
#   setup         scripts/setup.sh (installs only what is missing)
#   fmt           cargo fmt --all --check
#   clippy        cargo clippy --workspace --all-targets -- -D warnings
#   clippy-wasm   the same for the core and the widget on wasm32-unknown-unknown
#   native        cargo test --workspace (PROPTEST_CASES=10000; the server tests also
#                 against a throwaway PostgreSQL from scripts/pg-start.sh)
#   server        cargo build --release --bin checkout-quote (at the root, as the contract
#                 says) and -p wallet-server, then `wallet-server demo` on a
#                 free loopback port with a temporary SQLite file (stopped on exit)
#   schemathesis  the API fuzzer against its own `wallet-server demo` (no rate limits, an
#                 in-memory database): the OpenAPI document states what the server enforces
#                 and answers (scripts/schemathesis.sh; about a minute)
#   wasm-chromium cargo test -p checkout-core -p balance-checkout --target wasm32 in
#                 headless Chromium (BC_TEST_ENDPOINT = the demo server)
#   wasm-firefox  the same in headless Firefox
#   trunk         trunk build --release (the widget as shoppers download it)
#   e2e           node --test e2e/tests/ (Playwright driving Chromium against the demo)
#   e2e-firefox   the checkout's flows (e2e/engines/) in Firefox through WebDriver (geckodriver)
#   e2e-webkit    the same in WebKit (WebKitWebDriver, MiniBrowser under xvfb-run)
#
# Options:
#   --quick        skip the browser stages (wasm-*, e2e, e2e-firefox, e2e-webkit)
#   --no-setup     skip the setup stage
#   --only a,b     run only these stages (e.g. --only fmt,clippy)
#   --skip a,b     skip these stages
#   --fail-fast    stop at the first failing stage (default: run on, skip what depends on it)
#
# Prints the duration of each stage and a summary; exits non-zero when any stage failed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

ALL_STAGES=(setup fmt clippy clippy-wasm native server schemathesis wasm-chromium wasm-firefox trunk e2e e2e-firefox e2e-webkit)
only="" skip="" fail_fast=0
while (($#)); do
  case "$1" in
    --quick) skip="$skip,wasm-chromium,wasm-firefox,e2e,e2e-firefox,e2e-webkit" ;;
    --no-setup) skip="$skip,setup" ;;
    --only) only="${2:?--only needs a comma-separated list of stages}"; shift ;;
    --only=*) only="${1#--only=}" ;;
    --skip) skip="$skip,${2:?--skip needs a comma-separated list of stages}"; shift ;;
    --skip=*) skip="$skip,${1#--skip=}" ;;
    --fail-fast) fail_fast=1 ;;
    -h | --help) sed -n '2,29p' "$0"; exit 0 ;;
    *) die "unknown option '$1' (try --help)" ;;
  esac
  shift
done
for s in ${only//,/ } ${skip//,/ }; do
  [[ " ${ALL_STAGES[*]} " == *" $s "* ]] || die "unknown stage '$s'; stages: ${ALL_STAGES[*]}"
done

wanted() { # stage
  if [[ -n "$only" && ",$only," != *",$1,"* ]]; then return 1; fi
  [[ ",$skip," != *",$1,"* ]]
}

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/balance-checkout-test.XXXXXX")"
# Disk: a cold run writes about 10 GiB under target/. Incremental compilation state is of
# no use to a run that builds once (it doubled target/debug), and every browser, database
# and test temporary file goes under WORK_DIR, which is removed on exit, so a run leaves
# nothing behind in /tmp (Chromium's profile copies are ~30 MiB each).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
mkdir -p "$WORK_DIR/tmp"
export TMPDIR="$WORK_DIR/tmp"
SERVER_PID=""
cleanup() {
  local rc=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ -f "$WORK_DIR/pg-started-here" ]]; then
    "$REPO_ROOT/scripts/pg-start.sh" --stop >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK_DIR"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

declare -A RESULT DURATION
ORDER=()
T0=$SECONDS
free_kib="$(df -k --output=avail . | tail -n1 | tr -d ' ')"
if ((free_kib < 12 * 1024 * 1024)); then
  warn "only $((free_kib / 1024 / 1024)) GiB free on this disk; a cold run needs about 12 GiB (cargo clean frees target/)"
fi

# run_stage NAME DESCRIPTION FUNCTION [PREREQUISITE...]
run_stage() {
  local name="$1" desc="$2" fn="$3"
  shift 3
  ORDER+=("$name")
  if ! wanted "$name"; then
    RESULT[$name]=skipped DURATION[$name]=0
    return 0
  fi
  local pre
  for pre in "$@"; do
    if [[ "${RESULT[$pre]:-}" == failed ]]; then
      step "[$name] $desc"
      warn "not run: it needs stage '$pre', which failed"
      RESULT[$name]=skipped DURATION[$name]=0
      return 0
    fi
  done
  step "[$name] $desc"
  local start=$SECONDS status
  # Not `("$fn") || status=$?`: bash ignores `set -e` inside a subshell that is part of
  # an || list, so a failing command in the middle of a stage would go unnoticed.
  set +e
  (
    set -e
    "$fn"
  )
  status=$?
  set -e
  DURATION[$name]=$((SECONDS - start))
  if ((status == 0)); then
    RESULT[$name]=passed
    ok "$name passed in $(fmt_duration "${DURATION[$name]}")"
  else
    RESULT[$name]=failed
    printf '    %sFAILED%s %s (exit %d) after %s\n' "$_R" "$_N" "$name" "$status" "$(fmt_duration "${DURATION[$name]}")"
    if ((fail_fast)); then summary; exit 1; fi
  fi
}

summary() {
  step "Summary ($(fmt_duration $((SECONDS - T0))) in all)"
  local name passed=0 failed=0 skipped=0
  for name in "${ORDER[@]}"; do
    printf '    %-14s %-8s %s\n' "$name" "${RESULT[$name]}" "$(fmt_duration "${DURATION[$name]}")"
    case "${RESULT[$name]}" in
      passed) passed=$((passed + 1)) ;; failed) failed=$((failed + 1)) ;; *) skipped=$((skipped + 1)) ;;
    esac
  done
  echo
  echo "stages: $passed passed, $failed failed, $skipped skipped"
  echo "disk: target/ holds $(du -sh target 2>/dev/null | cut -f1), $(df -h --output=avail . | tail -n1 | tr -d ' ') free"
  FAILED_COUNT=$failed
}

# ---------------------------------------------------------------------------------------
stage_setup() { "$REPO_ROOT/scripts/setup.sh"; }

stage_fmt() { cargo fmt --all --check; }

stage_clippy() { cargo clippy --workspace --all-targets -- -D warnings; }

stage_clippy_wasm() {
  cargo clippy -p checkout-core -p balance-checkout --target wasm32-unknown-unknown \
    --all-targets -- -D warnings
}

stage_native() {
  export PROPTEST_CASES="${PROPTEST_CASES:-10000}"
  info "PROPTEST_CASES=$PROPTEST_CASES"
  if [[ -n "${BC_TEST_POSTGRES_URL:-}" ]]; then
    info "server tests use the PostgreSQL given in BC_TEST_POSTGRES_URL"
  elif [[ -x "$REPO_ROOT/scripts/pg-start.sh" ]]; then
    # Stop the cluster at the end only if this run started it (someone may be using it).
    if ! (exec 3<>"/dev/tcp/127.0.0.1/${BC_PG_PORT:-55432}") 2>/dev/null; then
      touch "$WORK_DIR/pg-started-here"
    fi
    info "starting a throwaway PostgreSQL (scripts/pg-start.sh)"
    BC_TEST_POSTGRES_URL="$("$REPO_ROOT/scripts/pg-start.sh" | tail -n1)"
    [[ "$BC_TEST_POSTGRES_URL" == postgres://* || "$BC_TEST_POSTGRES_URL" == postgresql://* ]] ||
      die "scripts/pg-start.sh printed '$BC_TEST_POSTGRES_URL', not a postgres:// URL"
    export BC_TEST_POSTGRES_URL
    info "server tests run against SQLite and $BC_TEST_POSTGRES_URL"
  else
    warn "scripts/pg-start.sh not found: the server tests run against SQLite only"
  fi
  # The property tests of the core are CPU-bound: in release they are many times faster,
  # and the release dependencies are built anyway for the demo server.
  # --no-fail-fast: one failing crate must not hide the results of the others.
  local rc=0
  # The known-answer vectors against their independent reference (Python standard library).
  info "running: python3 crates/checkout-core/tests/vectors/reference.py"
  python3 "$REPO_ROOT/crates/checkout-core/tests/vectors/reference.py" || rc=$?
  info "running: cargo test -p checkout-core --release --no-fail-fast"
  cargo test -p checkout-core --release --no-fail-fast || rc=$?
  info "running: cargo test --workspace --exclude checkout-core --no-fail-fast"
  cargo test --workspace --exclude checkout-core --no-fail-fast || rc=$?
  return "$rc"
}

stage_server() {
  # The contract's command for merchants, at the root without -p (issue 16: the root
  # package is the widget, so this needs the core among the workspace's default members).
  cargo build --release --bin checkout-quote
  cargo build --release -p wallet-server
  local port runner_port
  port="$(free_port)"
  ENDPOINT="http://127.0.0.1:$port"
  # The wasm tests call the server cross-origin from the test runner's page: pin the
  # runner's address (WASM_BINDGEN_TEST_ADDRESS) and allow that origin.
  # Two free ports asked one after the other can be the same one (nothing holds the first
  # yet); a runner on the server's port fails with "Address already in use".
  runner_port="$(free_port)"
  while [[ "$runner_port" == "$port" ]]; do runner_port="$(free_port)"; done
  echo "127.0.0.1:$runner_port" >"$WORK_DIR/runner-address"
  info "starting: BC_ALLOWED_ORIGINS=http://127.0.0.1:$runner_port target/release/wallet-server demo --listen 127.0.0.1:$port --shop-listen 127.0.0.1:0 --database sqlite://$WORK_DIR/demo.db"
  BC_ALLOWED_ORIGINS="http://127.0.0.1:$runner_port" \
    "$REPO_ROOT/target/release/wallet-server" demo --listen "127.0.0.1:$port" --shop-listen 127.0.0.1:0 \
    --database "sqlite://$WORK_DIR/demo.db" --widget-dir "$REPO_ROOT/dist" \
    >"$WORK_DIR/server.log" 2>&1 &
  echo $! >"$WORK_DIR/server.pid"
  echo "$ENDPOINT" >"$WORK_DIR/endpoint"
  if ! wait_http "$ENDPOINT/healthz" 60; then
    cat "$WORK_DIR/server.log" >&2
    die "wallet-server demo did not answer on $ENDPOINT within 60 s (its log is above)"
  fi
  ok "demo server answering on $ENDPOINT"
}

wasm_tests() { # driver-variable driver-path
  local var="$1" driver="$2"
  [[ -x "$driver" ]] || die "$var: '$driver' is not executable; run scripts/setup.sh"
  local with_server=()
  if [[ -f "$WORK_DIR/endpoint" ]]; then
    with_server=(BC_TEST_ENDPOINT="$(cat "$WORK_DIR/endpoint")"
      WASM_BINDGEN_TEST_ADDRESS="$(cat "$WORK_DIR/runner-address")")
    info "${with_server[*]}"
  else
    warn "no demo server (stage 'server' not run): the widget's backend test is skipped"
  fi
  env -u CHROMEDRIVER -u GECKODRIVER -u SAFARIDRIVER -u BC_TEST_ENDPOINT "$var=$driver" \
    "${with_server[@]}" WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}" \
    cargo test -p checkout-core -p balance-checkout --target wasm32-unknown-unknown --no-fail-fast
}
stage_wasm_chromium() { wasm_tests CHROMEDRIVER /usr/bin/chromedriver; }
stage_wasm_firefox() { wasm_tests GECKODRIVER "$(command -v geckodriver || echo geckodriver)"; }

stage_schemathesis() {
  local port pid rc=0
  port="$(free_port)"
  info "starting: target/release/wallet-server demo --listen 127.0.0.1:$port (rate limits off, sqlite::memory:)"
  BC_RATE_LIMIT_IP_PER_MIN=0 BC_RATE_LIMIT_SESSION_PER_MIN=0 \
    "$REPO_ROOT/target/release/wallet-server" demo --listen "127.0.0.1:$port" --shop-listen 127.0.0.1:0 \
    --database sqlite::memory: --widget-dir "$REPO_ROOT/dist" >"$WORK_DIR/schemathesis-server.log" 2>&1 &
  pid=$!
  if wait_http "http://127.0.0.1:$port/healthz" 60; then
    BC_SCHEMATHESIS_REPORT_DIR="$WORK_DIR/schemathesis" \
      "$REPO_ROOT/scripts/schemathesis.sh" "http://127.0.0.1:$port" || rc=$?
  else
    cat "$WORK_DIR/schemathesis-server.log" >&2
    warn "wallet-server demo did not answer on port $port within 60 s (its log is above)"
    rc=1
  fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  return "$rc"
}

stage_trunk() { trunk build --release; }

stage_e2e() {
  [[ -d "$REPO_ROOT/e2e/node_modules/playwright-core" ]] || die "e2e/node_modules is missing; run scripts/setup.sh"
  [[ -f "$REPO_ROOT/dist/index.html" ]] || die "dist/ has no widget build; run 'trunk build --release' first"
  cd "$REPO_ROOT/e2e"
  local rc=0
  BC_E2E_SERVER_BIN="$REPO_ROOT/target/release/wallet-server" BC_E2E_WIDGET_DIR="$REPO_ROOT/dist" \
    node --test --test-concurrency=1 --test-timeout=240000 tests/ 2>&1 | tee "$WORK_DIR/e2e.log" || rc=$?
  ((rc == 0)) || failed_tests "$WORK_DIR/e2e.log"
  return "$rc"
}

# Repeats each failed test's TAP block (name, error, location) at the end of a long
# stage, where a log cut in the middle still shows it. Screenshots: e2e/artifacts/.
failed_tests() { # tap-log
  step "failed tests"
  awk '/^not ok /{on=1; n=0} /^(ok|not ok) / && !/^not ok /{on=0} on && n++ < 40' "$1"
}

# The checkout's flows (e2e/engines/flows.mjs) in one engine through W3C WebDriver, each
# against its own demo server; the suite prints the engine and version it drove.
engine_tests() { # engine [command to run node under...]
  local engine="$1"
  shift
  [[ -d "$REPO_ROOT/e2e/node_modules/selenium-webdriver" ]] || die "e2e/node_modules is missing selenium-webdriver; run scripts/setup.sh"
  [[ -f "$REPO_ROOT/dist/index.html" ]] || die "dist/ has no widget build; run 'trunk build --release' first"
  cd "$REPO_ROOT/e2e"
  BC_E2E_SERVER_BIN="$REPO_ROOT/target/release/wallet-server" BC_E2E_WIDGET_DIR="$REPO_ROOT/dist" \
    "$@" node --test --test-concurrency=1 "engines/$engine.test.mjs"
}
stage_e2e_firefox() {
  info "$(firefox-esr --version 2>/dev/null || echo 'firefox-esr not found'), $(geckodriver --version 2>/dev/null | head -n1)"
  engine_tests firefox
}
stage_e2e_webkit() {
  info "WebKitGTK $(dpkg-query -W -f='${Version}' webkit2gtk-driver 2>/dev/null || echo '(webkit2gtk-driver not installed)'), under xvfb-run"
  # WebKit has no headless mode here: an X server of its own for the run.
  engine_tests webkit xvfb-run -a -s "-screen 0 1280x1024x24"
}

# The demo server runs in the background of the main shell (a stage runs in a subshell),
# so it is started here, between stages, and stopped by the EXIT trap.
start_server_stage() {
  run_stage server "build wallet-server (release) and start the demo on loopback" stage_server
  if [[ -f "$WORK_DIR/server.pid" ]]; then SERVER_PID="$(cat "$WORK_DIR/server.pid")"; fi
}

run_stage setup "install missing tools (scripts/setup.sh)" stage_setup
if [[ "${RESULT[setup]}" == failed ]]; then summary; exit 1; fi
run_stage fmt "cargo fmt --all --check" stage_fmt
run_stage clippy "cargo clippy --workspace --all-targets -- -D warnings" stage_clippy
run_stage clippy-wasm "cargo clippy (core, widget) --target wasm32-unknown-unknown -- -D warnings" stage_clippy_wasm
run_stage native "cargo test (native; PROPTEST_CASES=10000; SQLite and PostgreSQL)" stage_native
start_server_stage
run_stage schemathesis "Schemathesis against the OpenAPI document (scripts/schemathesis.sh)" stage_schemathesis server
run_stage wasm-chromium "wasm tests in headless Chromium" stage_wasm_chromium
run_stage wasm-firefox "wasm tests in headless Firefox" stage_wasm_firefox
run_stage trunk "trunk build --release" stage_trunk
run_stage e2e "end-to-end tests in Chromium (e2e/)" stage_e2e server trunk
run_stage e2e-firefox "the checkout's flows in Firefox through WebDriver (e2e/engines/)" stage_e2e_firefox server trunk
run_stage e2e-webkit "the checkout's flows in WebKit through WebDriver, under xvfb-run (e2e/engines/)" stage_e2e_webkit server trunk

FAILED_COUNT=0
summary
((FAILED_COUNT == 0))
