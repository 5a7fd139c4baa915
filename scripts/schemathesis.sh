#!/usr/bin/env bash
# Runs Schemathesis (the API fuzzer, installed by scripts/setup.sh into .tools/venv)
# against a running `wallet-server demo`:
#
#   scripts/schemathesis.sh http://127.0.0.1:8080 [extra schemathesis options]
#
# Twice: with the demo merchant's key (sessions, intents, refunds, sandbox, webhook
# endpoints, events) and with the demo admin key (wallets). Every check runs; the examples per operation are bounded
# (BC_SCHEMATHESIS_EXAMPLES, default 30) and the generation deterministic, so that a run
# takes about a minute and repeats. The demo must run without rate limits
# (BC_RATE_LIMIT_IP_PER_MIN=0 BC_RATE_LIMIT_SESSION_PER_MIN=0), or 429s hide the API.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

endpoint="${1:?usage: scripts/schemathesis.sh <wallet-server URL> [schemathesis options]}"
shift
st="$TOOLS_DIR/venv/bin/schemathesis"
[[ -x "$st" ]] || die "$st is missing; run scripts/setup.sh"
common=(
  --config-file "$REPO_ROOT/scripts/schemathesis.toml"
  run "$endpoint/v1/openapi.json"
  --checks all
  --max-examples "${BC_SCHEMATHESIS_EXAMPLES:-30}"
  --generation-deterministic
  --workers 1
  --no-shrink
  --report junit --report-dir "${BC_SCHEMATHESIS_REPORT_DIR:-$REPO_ROOT/target/schemathesis}"
)
# The rules that relate two fields, which the document states only in words.
export SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH="$REPO_ROOT/scripts${PYTHONPATH:+:$PYTHONPATH}"
rc=0
info "schemathesis with the merchant key (sessions, intents, refunds, test helpers, sandbox, webhooks, events)"
"$st" "${common[@]}" -H "Authorization: Bearer sk_test_demo" \
  --include-path-regex '^/v1/(sessions|intents|refunds|test_helpers|sandbox|webhook-endpoints|events)' "$@" || rc=$?
info "schemathesis with the admin key (wallets)"
"$st" "${common[@]}" -H "Authorization: Bearer ak_test_demo" \
  --include-path-regex '^/v1/wallets' "$@" || rc=$?
exit "$rc"
