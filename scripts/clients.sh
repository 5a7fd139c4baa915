#!/usr/bin/env bash
# The API document against real tools (issue 27): a merchant's server written against a
# client that openapi-python-client generates from the wallet's GET /v1/openapi.json drives
# a running `wallet-server demo` (tests/clients/merchant_flow.py), openapi-core checks every
# request and answer against the document, and standardwebhooks verifies the deliveries:
#
#   scripts/clients.sh http://127.0.0.1:8080 [--webhook-port N] [--document FILE] [--strict]
#
# --webhook-port N: receive webhooks on 127.0.0.1:N; the demo must have been started with
#   BC_WEBHOOK_PRIVATE_ORIGINS=http://127.0.0.1:N (loopback endpoints are refused otherwise).
#   Without it the webhook steps are skipped.
# --document FILE: generate and validate from FILE instead of the server's document (the
#   server embeds its document when it is built: try an edited one without rebuilding).
# --strict: a skipped step fails the run too.
# The tools (openapi-python-client, openapi-core, standardwebhooks) are installed by
# scripts/setup.sh into .tools/venv. The demo must run without rate limits
# (BC_RATE_LIMIT_IP_PER_MIN=0 BC_RATE_LIMIT_SESSION_PER_MIN=0) or 429s end the flow.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -ge 1 && "$1" != -* ]] || die "usage: scripts/clients.sh <wallet-server URL> [--webhook-port N] [--document FILE] [--strict]"
py="$TOOLS_DIR/venv/bin/python"
[[ -x "$TOOLS_DIR/venv/bin/openapi-python-client" ]] || die "$TOOLS_DIR/venv/bin/openapi-python-client is missing; run scripts/setup.sh"
# The generator runs ruff (its post-hooks) from the same venv.
PATH="$TOOLS_DIR/venv/bin:$PATH" PYTHONDONTWRITEBYTECODE=1 \
  exec "$py" "$REPO_ROOT/tests/clients/merchant_flow.py" "$@"
