#!/usr/bin/env bash
# Installs everything the tests need and runs them all: from a fresh clone on Debian 12 with Node 20+
# and npm 11 (root, or sudo for apt). Re-running skips what is already installed.
#   1. Debian packages, Node 24 and code-server for the e2e suite (scripts/setupE2e.sh), plus cmake and
#      ninja for building llama-server;
#   2. the project's npm dependencies (npm ci in a fresh clone);
#   3. npm test: type-check, build, test models, llama-server, unit, runtime and e2e suites, ending
#      with `N passed, N failed`.
# Exit code: npm test's (or the failing setup step's).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

timings=()
log() { printf '[test.sh] %s\n' "$*"; }
fail() { printf '[test.sh] error: %s\n' "$*" >&2; exit 1; }
timed() {
    local name="$1" started
    shift
    started=$(date +%s)
    log "$name"
    "$@"
    timings+=("$name: $(( $(date +%s) - started )) s")
}

command -v node >/dev/null || fail "node is not on PATH; install Node 20 or newer"
command -v npm >/dev/null || fail "npm is not on PATH"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || fail "Node $(node --version) is too old; Hearth needs Node 20 or newer"

install_dependencies() {
    if [ ! -d node_modules ]; then
        # A fresh clone installs exactly what package-lock.json records; a refusal is an error to fix there.
        [ -f package-lock.json ] || fail "package-lock.json is missing; restore it from git (npm ci installs from it)"
        npm ci --no-audit --no-fund || fail "npm ci failed; see README, Troubleshooting"
    elif [ ! -f node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ] \
        || { [ -f package-lock.json ] && [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
        # Never wipe an existing node_modules (npm ci would): bring it up to date in place.
        npm install --no-audit --no-fund
    else
        log "node_modules is up to date"
    fi
}

timed "setup: apt packages, Node 24, code-server" bash scripts/setupE2e.sh --apt-also "cmake ninja-build"
timed "npm dependencies" install_dependencies

started=$(date +%s)
set +e
npm test
status=$?
set -e
timings+=("npm test: $(( $(date +%s) - started )) s")

log "timings:"
for line in "${timings[@]}"; do log "  $line"; done
exit "$status"
