// Which GGUF architectures the llama.cpp inside node-llama-cpp 3.22.1 can load, and which of those can
// generate text as Hearth's main model. Kept as data here (not imported from node-llama-cpp) so that the
// extension host and discovery can judge a file without loading the ESM package; a unit test checks the
// list against node-llama-cpp's own GgufArchitectureType so an upgrade cannot leave it stale.

/** The architecture a Gemma 4 MTP drafter (gemma4-assistant) can serve. */
export const MTP_TARGET_ARCHITECTURE = "gemma4";

/** Every architecture name in node-llama-cpp 3.22.1's GgufArchitectureType (its bundled llama.cpp). */
export const knownArchitectures: ReadonlySet<string> = new Set([
    "llama", "llama4", "deci", "falcon", "grok", "gpt2", "gptj", "gptneox", "mpt", "baichuan", "starcoder", "refact",
    "bert", "modern-bert", "nomic-bert", "nomic-bert-moe", "neo-bert", "jina-bert-v2", "jina-bert-v3", "eurobert",
    "bloom", "stablelm", "qwen", "qwen2", "qwen2moe", "qwen2vl", "qwen3", "qwen3moe", "qwen3next", "qwen3vl",
    "qwen3vlmoe", "qwen35", "qwen35moe", "phi2", "phi3", "phimoe", "plamo", "plamo2", "plamo3", "codeshell", "orion",
    "internlm2", "minicpm", "minicpm3", "gemma", "gemma2", "gemma3", "gemma3n", "gemma4", "gemma4-assistant",
    "gemma-embedding", "starcoder2", "mamba", "mamba2", "jamba", "falcon-h1", "xverse", "command-r", "cohere2",
    "cohere2moe", "dbrx", "olmo", "olmo2", "olmoe", "muse-glimmer", "openelm", "arctic", "deepseek", "deepseek2",
    "deepseek2-ocr", "deepseek32", "deepseek4", "chatglm", "glm4", "glm4moe", "glm-dsa", "bitnet", "t5", "t5encoder",
    "jais", "jais2", "nemotron", "nemotron_h", "nemotron_h_moe", "exaone", "exaone4", "exaone-moe", "rwkv6",
    "rwkv6qwen2", "rwkv7", "arwkv7", "granite", "granitemoe", "granitehybrid", "graniteswitch", "chameleon",
    "wavtokenizer-dec", "plm", "bailingmoe", "bailingmoe2", "dots1", "arcee", "afmoe", "laguna", "ernie4_5",
    "ernie4_5-moe", "hunyuan-moe", "hunyuan-dense", "hunyuan_vl", "hy_v3", "smollm3", "gpt-oss", "lfm2", "lfm2moe",
    "dream", "smallthinker", "llada", "llada-moe", "seed_oss", "grovemoe", "apertus", "minimax-m2", "minimax-m3",
    "cogvlm", "rnd1", "pangu-embedded", "mistral3", "eagle3", "dflash", "mistral4", "paddleocr", "mimo2", "step35",
    "llama-embed", "maincoder", "kimi-linear", "talkie", "mellum", "nanbeige", "qwen3tts", "clip"
]);

/** Known architectures that load but cannot be the main model of a code assistant, with the reason why. */
const notAMainModel: Readonly<Record<string, string>> = {
    "gemma4-assistant": "it is a Gemma 4 MTP drafter (gemma4-assistant), which only drafts for a Gemma 4 main model",
    "eagle3": "it is an EAGLE-3 drafter head, not a model on its own",
    "dflash": "it is a DFlash drafter head, not a model on its own",
    "clip": "it is a vision/audio projector (mmproj), not a language model",
    "bert": "it is an embedding model, which cannot generate text",
    "modern-bert": "it is an embedding model, which cannot generate text",
    "nomic-bert": "it is an embedding model, which cannot generate text",
    "nomic-bert-moe": "it is an embedding model, which cannot generate text",
    "neo-bert": "it is an embedding model, which cannot generate text",
    "jina-bert-v2": "it is an embedding model, which cannot generate text",
    "jina-bert-v3": "it is an embedding model, which cannot generate text",
    "eurobert": "it is an embedding model, which cannot generate text",
    "gemma-embedding": "it is an embedding model, which cannot generate text",
    "llama-embed": "it is an embedding model, which cannot generate text",
    "t5encoder": "it is an encoder only, which cannot generate text",
    "wavtokenizer-dec": "it is an audio decoder, not a language model",
    "qwen3tts": "it is a text-to-speech model"
};

/** Why a file of this architecture cannot be the main model, or undefined when it can. */
export function mainModelRefusal(architecture: string): string | undefined {
    if (!knownArchitectures.has(architecture)) {
        return `its architecture "${architecture}" is not one the bundled llama.cpp (node-llama-cpp 3.22.1) can run`;
    }
    return notAMainModel[architecture];
}
