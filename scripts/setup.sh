#!/usr/bin/env bash
# Installs what sluice needs to build (and, with --test, what its tests use) when it is missing.
# Idempotent: when everything is present it installs nothing and says so.
set -euo pipefail

packages=(libxml2-dev libcurl4-openssl-dev libsqlite3-dev libpq-dev zlib1g-dev libzstd-dev libidn2-dev libpsl-dev publicsuffix libmicrohttpd-dev pkg-config)
python_modules=()
if [[ "${1:-}" == "--test" ]]; then
    # hugo and jekyll build a site from the content directory; feedparser reads the Atom feed as feed
    # readers do; markdown (Python-Markdown) renders the column as mkdocs-style sites do; openpyxl writes
    # the .xlsx files the import tests read; postgresql runs the throw-away server of the store tests.
    # chromium, chromium-driver and a CJK font run the browser test (scripts/browser-test.sh, Selenium in a venv).
    # groff-base, man-db and zsh check what scripts/install.sh installs: the manual page renders without
    # warnings, the zsh completion runs (the bash one needs only bash).
    packages+=(libxml2-utils curl cmark python3-yaml hugo jekyll postgresql chromium chromium-driver fonts-wqy-microhei python3-venv
               groff-base man-db zsh)
    python_modules+=(warcio feedparser markdown openpyxl)
fi

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}" >&2
    sudo=""
    if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for module in "${python_modules[@]}"; do
    if ! python3 -c "import $module" 2>/dev/null; then
        echo "setup: installing python module $module" >&2
        python3 -m pip install --quiet "$module" >/dev/null 2>&1 || echo "setup: could not install $module; tests that need it will skip" >&2
    fi
done

if ! command -v swift >/dev/null; then
    echo "setup: no swift toolchain on PATH (sluice needs Swift 6)" >&2
    exit 1
fi
