// The one authority on model files: whether a GGUF may be loaded as the main model, and whether a drafter may
// draft for it. llama.cpp aborts the whole process on some malformed GGUFs, so every file is judged here first,
// from its GGUF header alone, and the engines take this verdict (ValidatedModels) instead of reading headers or
// checking anything themselves. Every refusal is a RuntimeError("badModel") whose message names the file and the
// reason, and whose `path` is the file. Synchronous: the runtime process calls it directly, the extension host
// only through the worker thread (discoveryThread.ts).
import fs from "node:fs";
import path from "node:path";
import {RuntimeError, type LoadParams} from "../protocol";
import {MTP_TARGET_ARCHITECTURE, mainModelRefusal} from "./architectures";
import {GgufFormatError, KV_CACHE_KEYS, readModelFacts, type GgufModelFacts} from "./gguf";
import {incompleteModelReason} from "./incompleteModel";

export interface ValidateRequest {
    modelPath: string;
    drafterPath?: string;
    drafterMode: LoadParams["drafterMode"];
}

export interface CheckedFile {
    path: string;
    facts: GgufModelFacts;
}

export interface ValidatedModels {
    model: CheckedFile;
    /** Present when a drafter file was given and the mode uses one. */
    drafter?: CheckedFile & {kind: "mtp" | "draftModel"};
}

type Role = "main model" | "MTP drafter" | "draft model" | "drafter";

/** Checks the main model and its drafter; returns their facts so the runtime can choose engine and drafter. */
export function validateModelFiles(request: ValidateRequest): ValidatedModels {
    const model = checkMainModel(request.modelPath);
    const usesDrafterFile = request.drafterMode !== "off" && request.drafterMode !== "promptLookup";
    if (request.drafterPath === undefined || request.drafterPath === "" || !usesDrafterFile) return {model};
    return {model, drafter: checkDrafter(model, request.drafterPath, request.drafterMode)};
}

export function checkMainModel(modelPath: string): CheckedFile {
    const facts = readChecked(modelPath, "main model");
    const refusal = mainModelRefusal(facts.architecture);
    if (refusal !== undefined) throw refuse(modelPath, "main model", refusal);
    return {path: modelPath, facts};
}

/** A drafter checked on its own (its main model is not at hand): the right kind, and loadable. */
export function checkDrafterAlone(drafterPath: string, kind: "mtp" | "draftModel"): CheckedFile {
    const role: Role = kind === "mtp" ? "MTP drafter" : "draft model";
    const facts = readChecked(drafterPath, role);
    if (kind === "mtp" && !facts.isMtpDrafter) {
        throw refuse(drafterPath, role, `it is a ${facts.architecture} model, not a gemma4-assistant MTP drafter`);
    }
    if (kind === "draftModel") {
        const refusal = mainModelRefusal(facts.architecture);
        if (refusal !== undefined) throw refuse(drafterPath, role, refusal);
    }
    return {path: drafterPath, facts};
}

function checkDrafter(model: CheckedFile, drafterPath: string, mode: LoadParams["drafterMode"]): CheckedFile & {kind: "mtp" | "draftModel"} {
    const role: Role = mode === "mtp" ? "MTP drafter" : mode === "draftModel" ? "draft model" : "drafter";
    if (path.resolve(drafterPath) === path.resolve(model.path)) {
        throw refuse(drafterPath, role, "it is the main model itself; a drafter must be a separate, smaller file");
    }
    const facts = readChecked(drafterPath, role);
    if (mode === "mtp" && !facts.isMtpDrafter) {
        throw refuse(drafterPath, role,
            `it is a ${facts.architecture} model, not a gemma4-assistant MTP drafter (use it as a draft model, or pick the model's MTP assistant)`);
    }
    if (mode === "draftModel" && facts.isMtpDrafter) {
        throw refuse(drafterPath, role,
            "it is a gemma4-assistant MTP drafter, which cannot run as a draft model (choose the MTP drafter mode, or a small Gemma 4 as the draft model)");
    }
    const kind = facts.isMtpDrafter ? "mtp" : "draftModel";
    if (kind === "draftModel") {
        const refusal = mainModelRefusal(facts.architecture);
        if (refusal !== undefined) throw refuse(drafterPath, role, refusal);
    } else {
        checkMtpTarget(model.facts, facts, drafterPath, role);
    }
    if (facts.vocabFingerprint !== model.facts.vocabFingerprint) {
        throw refuse(drafterPath, role,
            `its vocabulary does not match the main model's (${facts.vocabSize} vs ${model.facts.vocabSize} tokens, ` +
            `fingerprints ${facts.vocabFingerprint.slice(0, 12)} vs ${model.facts.vocabFingerprint.slice(0, 12)}), ` +
            `so its tokens would mean different things; main model: ${model.path}`);
    }
    if (kind === "draftModel" && specialTokens(facts) !== specialTokens(model.facts)) {
        throw refuse(drafterPath, role,
            `its special tokens (BOS, EOS, EOT: ${specialTokens(facts)}) differ from the main model's (${specialTokens(model.facts)}), ` +
            `so its drafts would end at other tokens; main model: ${model.path}`);
    }
    return {path: drafterPath, facts, kind};
}

function specialTokens(facts: GgufModelFacts): string {
    return [facts.bosTokenId, facts.eosTokenId, facts.eotTokenId].map((id) => id ?? "none").join(", ");
}

function checkMtpTarget(target: GgufModelFacts, drafter: GgufModelFacts, drafterPath: string, role: Role): void {
    if (target.architecture !== MTP_TARGET_ARCHITECTURE) {
        throw refuse(drafterPath, role,
            `it is a Gemma 4 MTP drafter, but the main model's architecture is ${target.architecture}, not ${MTP_TARGET_ARCHITECTURE}`);
    }
    if (drafter.mtpTargetEmbeddingLength !== undefined && target.embeddingLength !== undefined
        && drafter.mtpTargetEmbeddingLength !== target.embeddingLength) {
        throw refuse(drafterPath, role,
            `it was made for a Gemma 4 with hidden size ${drafter.mtpTargetEmbeddingLength}, but the main model's is ${target.embeddingLength} ` +
            `(an MTP drafter only fits the size it was trained with)`);
    }
    // It attends over the main model's KV cache: a head of another size reads past it, and llama.cpp aborts.
    for (const key of KV_CACHE_KEYS) {
        const own = drafter.kvCache[key];
        const theirs = target.kvCache[key];
        if (own !== undefined && theirs !== undefined && own !== theirs) {
            throw refuse(drafterPath, role,
                `its attention ${key} is ${own}, but the main model's KV cache, which it reads, has ${theirs}`);
        }
    }
}

/** Opens the file's header: every I/O or format failure becomes a badModel refusal naming the file. */
function readChecked(filePath: string, role: Role): GgufModelFacts {
    let stat: fs.Stats;
    try {
        stat = fs.statSync(filePath);
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw refuse(filePath, role, code === "ENOENT" ? "the file does not exist" : `the file cannot be read (${code ?? (error as Error).message})`);
    }
    if (stat.isDirectory()) throw refuse(filePath, role, "it is a folder, not a GGUF file");
    if (stat.size === 0) throw refuse(filePath, role, "the file is empty");
    let facts: GgufModelFacts;
    try {
        facts = readModelFacts(filePath);
    } catch (error) {
        if (error instanceof GgufFormatError && error.code === "missing-key") throw refuse(filePath, role, incompleteModelReason(filePath, formatDetail(error)));
        if (error instanceof GgufFormatError) throw refuse(filePath, role, describeFormatError(error));
        throw refuse(filePath, role, `its header could not be read (${(error as Error).message})`);
    }
    if (facts.truncated) {
        throw refuse(filePath, role,
            `the file is truncated: it has ${facts.fileSize} bytes, but its tensors need ${facts.expectedFileSize} (an interrupted download or copy?)`);
    }
    if (facts.tensorCount === 0) throw refuse(filePath, role, "it holds no weights (a vocabulary-only GGUF?)");
    if (facts.controlCharacters !== undefined) {
        throw refuse(filePath, role, `its GGUF header holds text no real model has: ${facts.controlCharacters}`);
    }
    if (facts.nativeAbort !== undefined) {
        throw refuse(filePath, role, `llama.cpp would crash loading it: ${facts.nativeAbort}`);
    }
    return facts;
}

/** The reader's message without the path it prefixes (the refusal names the file itself). */
export function formatDetail(error: GgufFormatError): string {
    const prefix = error.path !== undefined ? `${error.path}: ` : "";
    return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

function describeFormatError(error: GgufFormatError): string {
    const detail = formatDetail(error);
    switch (error.code) {
        case "bad-magic": return `it is not a GGUF file (${detail})`;
        case "truncated": return `the file is truncated (${detail}); an interrupted download or copy?`;
        case "io": return `the file cannot be read (${detail})`;
        case "unsupported-version": return `its GGUF version is not supported (${detail})`;
        case "over-budget": return `its GGUF header is far larger than any real model's (${detail})`;
        default: return `its GGUF header is malformed (${detail})`;
    }
}

function refuse(filePath: string, role: Role, reason: string): RuntimeError {
    const sentence = /[.?!]$/.test(reason) ? reason : `${reason}.`;
    return new RuntimeError("badModel", `Cannot use ${filePath} as the ${role}: ${sentence}`, filePath);
}
