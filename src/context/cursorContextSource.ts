// The completion side of cursor context, between the editor and the index worker: it holds each document's last
// context and tells the worker which one it holds, so that a keystroke inside the same scope costs the worker a
// key check instead of a retrieval, and gets back the very same text (the runtime's KV cache keeps the prompt's
// prefix). No vscode here: the editor's ContextService and the completion benchmark both run through it.
import type {CommentSyntax} from "./commentSyntax";
import {commentSyntax} from "./commentSyntax";
import {HeldContexts} from "./heldContexts";
import type {CursorContext, CursorRequest, DefinitionHint, PackResult, Snippet} from "./types";

export type Packer = (ranked: Snippet[], budgetTokens: number, comment: CommentSyntax) => Promise<PackResult>;

export interface CursorContextBackend {
    /** The worker's answer; undefined when it was slower than the time budget or the request was aborted. */
    ask(request: CursorRequest, signal?: AbortSignal): Promise<CursorContext | undefined>;
    /** Packs with the model's tokenizer while one is loaded; undefined: the worker packs with its estimate. */
    packer(): Packer | undefined;
}

export interface CursorAsk {
    request: Omit<CursorRequest, "knownKey" | "definitionHints" | "pack">;
    /** The document's line count now: lines typed since the context was made stretch its scope. */
    lineCount: number;
    /** The language server's definitions near the cursor: asked again only when the cursor has probably left the scope. */
    hints(): Promise<DefinitionHint[]>;
    signal?: AbortSignal;
}

export class CursorContextSource {
    private readonly held = new HeldContexts();

    constructor(private readonly backend: CursorContextBackend) {}

    async contextFor(ask: CursorAsk): Promise<PackResult> {
        const {request, lineCount, signal} = ask;
        const file = request.path;
        const empty: PackResult = {snippets: [], usedTokens: 0, budgetTokens: request.budgetTokens, dropped: 0};
        if (signal?.aborted) return empty;
        const held = this.held.get(file);
        const hints = held && this.held.likelyInScope(file, request.line, lineCount) ? held.hints : await ask.hints();
        if (signal?.aborted) return empty;
        const packer = this.backend.packer();
        const reply = await this.backend.ask({...request, definitionHints: hints, knownKey: held?.key, pack: packer === undefined}, signal);
        if (!reply) return empty;
        if (!reply.ranked && !reply.packed) return held?.key === reply.key ? this.held.confirm(file, reply.scope, lineCount) ?? empty : empty;
        const packed = reply.packed ?? await packer!(reply.ranked!, request.budgetTokens, commentSyntax(request.languageId));
        this.held.set(file, {key: reply.key, packed, scope: reply.scope, lineCount, hints});
        return packed;
    }

    /** The document went away: its held context with it. */
    forget(path: string): void {
        this.held.forget(path);
    }
}
