#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for tests and benchmarks: on 127.0.0.1, a free port, under a temporary
# directory, trust authentication for one role `sluice`, C locale.
#
#   scripts/pg-cluster.sh start DIR   starts it; prints the store URL (postgres://sluice@127.0.0.1:PORT/sluice)
#   scripts/pg-cluster.sh restart DIR restarts it on the same port (the fault tests use it)
#   scripts/pg-cluster.sh stop DIR    stops it and removes DIR
#
# Installs Debian's `postgresql` package when no server binaries are found. As root, the server runs as the
# `postgres` user that package creates (PostgreSQL refuses to run as root).
set -euo pipefail

command="${1:-}"
dir="${2:-}"
[[ -n "$command" && -n "$dir" ]] || { echo "usage: $0 start|restart|stop DIR" >&2; exit 2; }

# The server outlives this script: it must not inherit any descriptor beyond stdin/out/err (a caller's pipe
# or a process-exit monitor left open would then never see its end).
close_inherited_descriptors() {
    local fd
    for fd in /proc/$$/fd/*; do
        fd="${fd##*/}"
        if [[ "$fd" -gt 2 && "$fd" -ne 255 ]]; then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
}

find_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_server_user() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

close_inherited_descriptors

case "$command" in
start)
    bin="$(find_bin)"
    if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
        echo "pg-cluster: installing postgresql" >&2
        sudo=""
        if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
        bin="$(find_bin)"
    fi
    [[ -x "$bin/initdb" ]] || { echo "pg-cluster: no PostgreSQL server binaries after installing" >&2; exit 1; }
    mkdir -p "$dir"
    if [[ $(id -u) -eq 0 ]]; then chown postgres "$dir"; fi
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    as_server_user "$bin/initdb" -D "$dir/data" -A trust -U sluice --no-locale -E UTF8 >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c full_page_writes=off" \
        start </dev/null >/dev/null 2>&1 || {
        cat "$dir/server.log" >&2
        exit 1
    }
    echo "$port" >"$dir/port"
    as_server_user "$bin/psql" -h 127.0.0.1 -p "$port" -U sluice -d postgres -q -c "CREATE DATABASE sluice" </dev/null >/dev/null
    echo "postgres://sluice@127.0.0.1:$port/sluice"
    ;;
restart)
    bin="$(find_bin)"
    port="$(cat "$dir/port")"
    as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -m fast \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c full_page_writes=off" \
        restart </dev/null >/dev/null 2>&1 || {
        cat "$dir/server.log" >&2
        exit 1
    }
    ;;
stop)
    bin="$(find_bin)"
    if [[ -n "$bin" && -d "$dir/data" ]]; then
        as_server_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|restart|stop DIR" >&2
    exit 2
    ;;
esac
