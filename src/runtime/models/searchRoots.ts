// Where other tools keep GGUF files on each OS. Pure: the caller passes the environment, platform and home
// folder, so the rules are testable on any machine.
import path from "node:path";

export type ModelSource = "huggingface" | "ollama" | "lmstudio" | "hearth" | "node-llama-cpp";

export interface SearchRoot {
    source: ModelSource;
    dir: string;
}

export interface SearchRootContext {
    env: Readonly<Record<string, string | undefined>>;
    platform: NodeJS.Platform;
    homeDir: string;
    /** `hearth.model.downloadDirectory` resolved (see defaultDownloadDirectory). */
    downloadDirectory: string;
}

/** Path rules of the platform the roots are for (Windows paths stay Windows paths in tests on Linux). */
function pathsFor(platform: NodeJS.Platform): path.PlatformPath {
    return platform === "win32" ? path.win32 : path.posix;
}

/** Hearth's own download folder: the setting when given, else ~/.cache/hearth/models. */
export function defaultDownloadDirectory(setting: string, homeDir: string, platform: NodeJS.Platform = process.platform): string {
    const trimmed = setting.trim();
    if (trimmed === "") return pathsFor(platform).join(homeDir, ".cache", "hearth", "models");
    return expandHome(trimmed, homeDir, platform);
}

export function expandHome(p: string, homeDir: string, platform: NodeJS.Platform = process.platform): string {
    const paths = pathsFor(platform);
    if (p === "~") return homeDir;
    if (p.startsWith("~/") || p.startsWith("~\\")) return paths.join(homeDir, p.slice(2));
    return paths.resolve(p);
}

export function defaultSearchRoots(context: SearchRootContext): SearchRoot[] {
    const path = pathsFor(context.platform);
    const roots: SearchRoot[] = [{source: "hearth", dir: context.downloadDirectory}];
    roots.push(...huggingFaceRoots(context).map((dir) => ({source: "huggingface" as const, dir})));
    roots.push(...ollamaRoots(context).map((dir) => ({source: "ollama" as const, dir})));
    roots.push(...lmStudioRoots(context).map((dir) => ({source: "lmstudio" as const, dir})));
    roots.push({source: "node-llama-cpp", dir: path.join(context.homeDir, ".node-llama-cpp", "models")});
    const seen = new Set<string>();
    return roots.filter((root) => {
        const key = root.dir;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
    });
}

/** The hub cache: HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub. */
function huggingFaceRoots({env, platform, homeDir}: SearchRootContext): string[] {
    const path = pathsFor(platform);
    const explicit = env.HF_HUB_CACHE ?? env.HUGGINGFACE_HUB_CACHE;
    if (explicit) return [expandHome(explicit, homeDir, platform)];
    if (env.HF_HOME) return [path.join(expandHome(env.HF_HOME, homeDir, platform), "hub")];
    const cacheHome = env.XDG_CACHE_HOME ? expandHome(env.XDG_CACHE_HOME, homeDir, platform) : path.join(homeDir, ".cache");
    return [path.join(cacheHome, "huggingface", "hub")];
}

/** Ollama's models folder (manifests/ and blobs/): OLLAMA_MODELS, else ~/.ollama/models; on Linux also the service's. */
function ollamaRoots({env, platform, homeDir}: SearchRootContext): string[] {
    const path = pathsFor(platform);
    if (env.OLLAMA_MODELS) return [expandHome(env.OLLAMA_MODELS, homeDir, platform)];
    const roots = [path.join(homeDir, ".ollama", "models")];
    if (platform === "linux") roots.push("/usr/share/ollama/.ollama/models", "/var/lib/ollama/.ollama/models");
    return roots;
}

/** LM Studio 0.3+: ~/.lmstudio/models; before that ~/.cache/lm-studio/models (same layout on every OS). */
function lmStudioRoots({platform, homeDir}: SearchRootContext): string[] {
    const path = pathsFor(platform);
    return [path.join(homeDir, ".lmstudio", "models"), path.join(homeDir, ".cache", "lm-studio", "models")];
}
