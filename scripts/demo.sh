#!/usr/bin/env bash
# Build the widget and run the demo on two origins: the wallet and the demo shop.
#
#   scripts/demo.sh                          wallet http://localhost:8080, shop http://127.0.0.1:8081
#   scripts/demo.sh --listen 127.0.0.1:9000 --shop-listen 127.0.0.1:9001
#                                            any `wallet-server demo` option passes through
#
# Installs what the build needs (scripts/setup.sh --demo), builds the widget with
# `trunk build --release` into dist/, then runs `wallet-server demo`, which seeds a demo
# merchant, shopper and admin key into a local SQLite file and prints them with both URLs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

case "${1:-}" in
  -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
esac

"$REPO_ROOT/scripts/setup.sh" --demo

step "Widget: trunk build --release"
trunk build --release || die "the widget build failed (output above)"
ok "widget built into dist/"

step "Demo: cargo run --release -p wallet-server -- demo $*"
exec cargo run --release -p wallet-server -- demo "$@"
