#!/usr/bin/env bash
# Starts (or finds already running) a throwaway PostgreSQL 15 cluster on 127.0.0.1 for the
# wallet-server tests and benchmark, and prints its admin URL on stdout:
#
#   export BC_TEST_POSTGRES_URL="$(scripts/pg-start.sh)"
#   scripts/pg-start.sh --stop      # stops the cluster and deletes its directory
#
# Idempotent: a second call prints the same URL. Everything else goes to stderr.
# BC_PG_DIR (default /tmp/balance-checkout-pg) and BC_PG_PORT (default 55432) choose
# where it lives. The cluster trusts local connections: it is for tests only.
set -euo pipefail

PG_VERSION=15
PG_BIN="/usr/lib/postgresql/${PG_VERSION}/bin"
PG_DIR="${BC_PG_DIR:-/tmp/balance-checkout-pg}"
PG_PORT="${BC_PG_PORT:-55432}"
DATA="${PG_DIR}/data"
LOG="${PG_DIR}/postgres.log"
URL="postgres://postgres@127.0.0.1:${PG_PORT}/postgres"

log() { echo "pg-start: $*" >&2; }

# Runs a command as the `postgres` user when we are root (initdb refuses to run as root).
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

install_postgres() {
    if [ -x "${PG_BIN}/initdb" ]; then
        return
    fi
    if [ "$(id -u)" != 0 ]; then
        log "${PG_BIN}/initdb is missing; install Debian's postgresql-${PG_VERSION} (as root: apt-get install -y postgresql)"
        exit 1
    fi
    log "installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q postgresql >&2 || { apt-get update -q >&2 && apt-get install -y -q postgresql >&2; }
    if [ ! -x "${PG_BIN}/initdb" ]; then
        log "postgresql ${PG_VERSION} binaries not found in ${PG_BIN} after install"
        exit 1
    fi
}

is_running() {
    [ -f "${DATA}/PG_VERSION" ] && as_pg "${PG_BIN}/pg_ctl" -D "${DATA}" status >/dev/null 2>&1
}

if [ "${1:-}" = "--stop" ]; then
    if is_running; then
        as_pg "${PG_BIN}/pg_ctl" -D "${DATA}" -m fast -w stop >&2
    fi
    rm -rf "${PG_DIR}"
    log "stopped and removed ${PG_DIR}"
    exit 0
fi

install_postgres

if is_running; then
    log "already running in ${DATA}"
    echo "${URL}"
    exit 0
fi

if [ ! -f "${DATA}/PG_VERSION" ]; then
    rm -rf "${PG_DIR}"
    mkdir -p "${PG_DIR}"
    if [ "$(id -u)" = 0 ]; then
        chown postgres:postgres "${PG_DIR}"
    fi
    log "initdb in ${DATA}"
    as_pg "${PG_BIN}/initdb" -D "${DATA}" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >&2
fi

log "starting on 127.0.0.1:${PG_PORT} (log: ${LOG})"
as_pg "${PG_BIN}/pg_ctl" -D "${DATA}" -l "${LOG}" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p ${PG_PORT} -c unix_socket_directories=${PG_DIR} -c max_connections=400 -c shared_buffers=128MB" \
    start >&2 || { log "failed to start; tail of ${LOG}:"; tail -n 30 "${LOG}" >&2 || true; exit 1; }

for _ in $(seq 1 60); do
    if "${PG_BIN}/pg_isready" -q -h 127.0.0.1 -p "${PG_PORT}"; then
        echo "${URL}"
        exit 0
    fi
    sleep 0.5
done
log "server did not become ready; tail of ${LOG}:"
tail -n 30 "${LOG}" >&2 || true
exit 1
