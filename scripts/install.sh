#!/usr/bin/env bash
# Installs sluice from this checkout so that it runs without it: the binary, the default configuration files (to
# start /etc/sluice from), the samples, the manual page and shell completions (written by the installed binary
# from its help texts), and the systemd units with the user they run as. Idempotent: running it again installs
# the same files again. See README.md, "Using it".
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    cat <<'EOF'
usage: scripts/install.sh [--prefix DIR] [--binary FILE]

Builds sluice for release (swift build -c release --static-swift-stdlib --product sluice) and installs
  PREFIX/bin/sluice
  PREFIX/share/sluice/                  pipeline.json and its rule files (what is built in; copy to /etc/sluice
                                        to change them), samples/ (submissions and recorded pages to try it on)
  PREFIX/share/man/man1/sluice.1        the manual page, from sluice's help texts
  PREFIX/share/bash-completion/completions/sluice, PREFIX/share/zsh/site-functions/_sluice
  PREFIX/lib/systemd/system/sluice.service        sluice run --watch, store in /var/lib/sluice
  PREFIX/lib/systemd/system/sluice-serve.service  sluice serve, the web intake, on the same store
  PREFIX/lib/sysusers.d/sluice.conf     the user both run as (systemd-sysusers FILE creates it)

options
  --prefix DIR    where to install (default /usr/local)
  --binary FILE   install this sluice binary instead of building one (the tests install .build/debug/sluice)
  --help          this text
EOF
}

prefix=/usr/local
binary=""
while (($#)); do
    case "$1" in
        --prefix) [[ $# -ge 2 ]] || { echo "install: --prefix needs a folder" >&2; exit 2; }; prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        --binary) [[ $# -ge 2 ]] || { echo "install: --binary needs a file" >&2; exit 2; }; binary="$2"; shift 2 ;;
        --binary=*) binary="${1#--binary=}"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install: unknown argument \"$1\" (see scripts/install.sh --help)" >&2; exit 2 ;;
    esac
done
[[ -n "$prefix" ]] || { echo "install: --prefix is empty" >&2; exit 2; }
# The units name the binary by its absolute path.
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"
# The units and the completion scripts carry the path unquoted.
[[ "$prefix" =~ ^[A-Za-z0-9._/+-]+$ ]] || { echo "install: --prefix $prefix holds characters a unit file cannot carry" >&2; exit 2; }

if [[ -z "$binary" ]]; then
    bash scripts/setup.sh
    echo "install: building sluice for release (a few minutes)" >&2
    swift build -c release --static-swift-stdlib --product sluice
    binary="$(swift build -c release --static-swift-stdlib --show-bin-path)/sluice"
fi
[[ -x "$binary" ]] || { echo "install: $binary is not an executable sluice" >&2; exit 2; }

# Every file goes in by rename, so a running sluice or a reader never sees half a file.
place() { # place MODE SOURCE TARGET
    mkdir -p "$(dirname "$3")"
    install -m "$1" "$2" "$3.install-tmp"
    mv -f "$3.install-tmp" "$3"
}
generated() { # generated MODE TARGET COMMAND...: the command's output as TARGET
    local mode="$1" target="$2"
    shift 2
    mkdir -p "$(dirname "$target")"
    "$@" >"$target.install-tmp"
    chmod "$mode" "$target.install-tmp"
    mv -f "$target.install-tmp" "$target"
}

sluice="$prefix/bin/sluice"
place 0755 "$binary" "$sluice"

share="$prefix/share/sluice"
place 0644 pipelines/default.json "$share/pipeline.json"
for name in url-rules.json rules.json blocked-pages.json import-headers.json; do
    place 0644 "pipelines/$name" "$share/$name"
done
for name in submissions.jsonl captures.warc; do
    place 0644 "samples/$name" "$share/samples/$name"
done

# Written by the installed binary, so they describe exactly the sluice installed.
generated 0644 "$prefix/share/man/man1/sluice.1" "$sluice" help --man
generated 0644 "$prefix/share/bash-completion/completions/sluice" "$sluice" help --completion bash
generated 0644 "$prefix/share/zsh/site-functions/_sluice" "$sluice" help --completion zsh

units="$prefix/lib/systemd/system"
for unit in sluice.service sluice-serve.service; do
    generated 0644 "$units/$unit" sed -e "s|@BINDIR@|$prefix/bin|g" "dist/$unit"
done
place 0644 dist/sluice.sysusers "$prefix/lib/sysusers.d/sluice.conf"

if command -v groff >/dev/null; then
    warnings="$(groff -man -Tutf8 -ww -z "$prefix/share/man/man1/sluice.1" 2>&1)"
    [[ -z "$warnings" ]] || { echo "install: the manual page has roff warnings:" >&2; echo "$warnings" >&2; exit 1; }
fi
if command -v systemd-analyze >/dev/null; then
    # MANPATH lets the check of Documentation=man:sluice(1) find the page just installed. verify exits 0 on
    # unknown keys and bad values (it only says so), so any word from it is a failure.
    if ! report="$(MANPATH="$prefix/share/man:" systemd-analyze verify "$units/sluice.service" "$units/sluice-serve.service" 2>&1)" \
        || [[ -n "$report" ]]; then
        echo "install: systemd-analyze verify refuses the units:" >&2
        echo "$report" >&2
        exit 1
    fi
    echo "install: the units pass systemd-analyze verify" >&2
else
    echo "install: systemd-analyze is not installed; the units were not verified" >&2
fi

unit_note=""
case "$units" in
    /usr/local/lib/systemd/system|/usr/lib/systemd/system) ;;
    *) unit_note="  (systemd does not look in $units: systemctl link $units/sluice.service first)
" ;;
esac
"$sluice" --version | head -1 | sed "s|^|install: $sluice is |" >&2
cat >&2 <<EOF
install: done. To run sluice as a service (as root):
  systemd-sysusers $prefix/lib/sysusers.d/sluice.conf        # the user sluice
  systemctl daemon-reload
  systemctl enable --now sluice.service                       # sluice run --watch on /var/lib/sluice/sluice.db
  systemctl enable --now sluice-serve.service                 # the web intake on 127.0.0.1:8080
${unit_note}Configuration: copy what you change from $share into /etc/sluice (see sluice config show).
EOF
