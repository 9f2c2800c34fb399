// Finds GGUF models already on this machine (Hugging Face cache, Ollama, LM Studio, Hearth's downloads) and
// sorts them by what they can be: a main model, a small model that can also draft, a Gemma 4 MTP drafter, or
// unusable (with the reason). Reads each file's GGUF header only, never the tensor data.
import fs from "node:fs/promises";
import path from "node:path";
import {mainModelRefusal} from "./architectures";
import {catalogEntryForFileName} from "./catalog";
import {DEFAULT_WALK_LIMITS, findGgufFiles, type GgufCandidate, type WalkLimits} from "./findGgufFiles";
import {GgufFormatError, readModelFacts, type GgufModelFacts} from "./gguf";
import {incompleteModelReason, readArchitectureOnly} from "./incompleteModel";
import type {SearchRoot} from "./searchRoots";
import {formatDetail} from "./validate";

export type DiscoveredRole = "main" | "draftCapable" | "mtpDrafter" | "unusable";

export interface DiscoveredModel extends GgufCandidate {
    /** main: runs as the main model; draftCapable: also small enough to draft for a larger model of its vocabulary. */
    role: DiscoveredRole;
    fileName: string;
    /** Display name: the GGUF's general.name, else the file name. */
    name: string;
    architecture?: string;
    contextLength?: number;
    vocabSize?: number;
    vocabFingerprint?: string;
    parameterCount?: number;
    /** The catalog id when the file name is one of the catalog's downloads. */
    catalogId?: string;
    /** Why it is unusable. */
    reason?: string;
}

/** At most this many parameters to be offered as a draft model (Gemma 4 E2B has about 5B with its per-layer embeddings). */
export const DRAFT_MODEL_MAX_PARAMETERS = 6e9;

export interface DiscoverOptions {
    roots: readonly SearchRoot[];
    limits?: Partial<WalkLimits>;
    /** Headers are read until this much time has passed since the start, in milliseconds. */
    deadlineMs?: number;
    signal?: AbortSignal;
    /** Overrides DRAFT_MODEL_MAX_PARAMETERS. */
    draftModelMaxParameters?: number;
}

export async function discoverModels(options: DiscoverOptions): Promise<DiscoveredModel[]> {
    const started = Date.now();
    const deadlineMs = options.deadlineMs ?? 2 * DEFAULT_WALK_LIMITS.deadlineMs;
    const candidates = await findGgufFiles(options.roots, options.limits, options.signal);
    const models: DiscoveredModel[] = [];
    for (const candidate of candidates) {
        if (options.signal?.aborted || Date.now() - started > deadlineMs) break;
        const cached = await cachedClassification(candidate, options.draftModelMaxParameters);
        if (cached !== undefined) {
            models.push(cached);
            continue;
        }
        const model = classify(candidate, options.draftModelMaxParameters);
        await remember(candidate, options.draftModelMaxParameters, model);
        models.push(model);
        // A Gemma-sized vocabulary takes about 0.2 s to read and fingerprint, synchronously: yield between files.
        await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return models;
}

/** Classifications by path, reused while the file's size and modification time stay the same. */
const classified = new Map<string, {key: string, model: DiscoveredModel}>();

async function fileKey(candidate: GgufCandidate, draftModelMaxParameters: number | undefined): Promise<string | undefined> {
    try {
        const stat = await fs.stat(candidate.path);
        return `${stat.size}:${stat.mtimeMs}:${draftModelMaxParameters ?? ""}`;
    } catch {
        return undefined;
    }
}

async function cachedClassification(candidate: GgufCandidate, draftModelMaxParameters: number | undefined): Promise<DiscoveredModel | undefined> {
    const entry = classified.get(candidate.path);
    if (entry === undefined || entry.key !== await fileKey(candidate, draftModelMaxParameters)) return undefined;
    return {...entry.model, source: candidate.source, label: candidate.label};
}

async function remember(candidate: GgufCandidate, draftModelMaxParameters: number | undefined, model: DiscoveredModel): Promise<void> {
    const key = await fileKey(candidate, draftModelMaxParameters);
    if (key !== undefined) classified.set(candidate.path, {key, model});
}

/** Reads one file's header and decides what it can be used for. */
export function classify(candidate: GgufCandidate, draftModelMaxParameters = DRAFT_MODEL_MAX_PARAMETERS): DiscoveredModel {
    const fileName = path.basename(candidate.path);
    const base = {...candidate, fileName, name: fileName, catalogId: catalogEntryForFileName(fileName)?.id};
    let facts: GgufModelFacts;
    try {
        facts = readModelFacts(candidate.path);
    } catch (error) {
        const reason = !(error instanceof GgufFormatError) ? `unreadable header: ${(error as Error).message}`
            : error.code === "bad-magic" ? "not a GGUF file"
            : error.code === "missing-key" ? incompleteModelReason(candidate.path, formatDetail(error))
            : `unreadable header: ${formatDetail(error)}`;
        const architecture = error instanceof GgufFormatError && error.code === "missing-key" ? readArchitectureOnly(candidate.path) : undefined;
        return {...base, role: "unusable", reason, ...(architecture !== undefined ? {architecture} : {})};
    }
    const known = {
        ...base,
        name: facts.name?.trim() || fileName,
        architecture: facts.architecture,
        contextLength: facts.contextLength,
        vocabSize: facts.vocabSize,
        vocabFingerprint: facts.vocabFingerprint,
        parameterCount: facts.parameterCount
    };
    if (facts.truncated) {
        return {...known, role: "unusable", reason: `truncated: ${facts.fileSize} of ${facts.expectedFileSize} bytes`};
    }
    if (facts.isMtpDrafter) return {...known, role: "mtpDrafter"};
    const refusal = mainModelRefusal(facts.architecture);
    if (refusal !== undefined) return {...known, role: "unusable", reason: refusal};
    return {...known, role: facts.parameterCount <= draftModelMaxParameters ? "draftCapable" : "main"};
}

/** Models that can run as the main model (draft-capable ones included). */
export function usableMainModels(models: readonly DiscoveredModel[]): DiscoveredModel[] {
    return models.filter((m) => m.role === "main" || m.role === "draftCapable");
}

/** Found drafters that share `main`'s vocabulary: MTP drafters (gemma4 only) and smaller draft-capable models. */
export function draftersFor(main: DiscoveredModel, models: readonly DiscoveredModel[]): DiscoveredModel[] {
    return models.filter((m) => m.path !== main.path && m.vocabFingerprint !== undefined && m.vocabFingerprint === main.vocabFingerprint
        && ((m.role === "mtpDrafter" && main.architecture === "gemma4")
            || (m.role === "draftCapable" && (m.parameterCount ?? Infinity) < (main.parameterCount ?? 0))));
}
