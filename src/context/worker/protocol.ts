// Messages between the extension host and the index worker. Requests carry an id; the worker answers each
// with a result or an error, and sends progress and log events on its own.
import type {Shape} from "../../completion/multiline";
import type {TargetNames} from "../../refactor/contextQuery";
import type {CodeChangeRequest, SyntaxRequest} from "../../refactor/syntax";
import type {RefactorTarget} from "../../refactor/target";
import type {UpdateResult} from "../indexer";
import type {CursorContext, CursorRequest, IndexOptions, IndexProgress, IndexStats, MentionCandidate, PackResult, QuestionRequest, Snippet} from "../types";

export interface WorkerMethods {
    indexFolders(roots: string[]): IndexStats;
    updateFile(path: string): UpdateResult;
    removeFile(path: string): boolean;
    renameFile(from: string, to: string): UpdateResult;
    setOptions(options: IndexOptions): void;
    rankForCursor(request: CursorRequest): Snippet[];
    rankForQuestion(request: QuestionRequest): Snippet[];
    contextForCursor(request: CursorRequest): PackResult;
    /** The cursor's context with its key; `request.cancel` (shared with the worker) stops it when set. */
    cursorContext(request: CursorRequest): CursorContext;
    contextForQuestion(request: QuestionRequest): PackResult;
    /** The chat's mention picker. */
    searchMentions(kind: "file" | "symbol", query: string, limit: number): MentionCandidate[];
    /** Single- or multi-line at the cursor, from the document's syntax tree (kept and re-parsed incrementally here). */
    shapeAt(request: ShapeRequest): Shape;
    /** Refactors (src/refactor/syntax.ts): the target at a selection, the names it uses, a documentation check. */
    refactorTarget(request: SyntaxRequest): RefactorTarget | undefined;
    refactorNames(request: SyntaxRequest): {imports: string[], names: TargetNames};
    codeChange(request: CodeChangeRequest): string | undefined;
    save(): void;
}

export interface ShapeRequest {
    path: string;
    languageId: string;
    text: string;
    offset: number;
}

export type MethodName = keyof WorkerMethods;

export interface WorkerRequest<M extends MethodName = MethodName> {
    id: number;
    method: M;
    params: Parameters<WorkerMethods[M]>;
}

export type WorkerResponse =
    | {id: number, result: unknown}
    | {id: number, error: string};

export type WorkerEvent =
    | {event: "progress", progress: IndexProgress}
    | {event: "log", level: "info" | "warn" | "error", message: string};

export interface WorkerStartData {
    options: IndexOptions;
    wasmDir?: string;
}
