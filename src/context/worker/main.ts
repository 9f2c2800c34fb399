// Entry point of the index worker thread (bundled as dist/context-worker.js): hosts a ContextEngine and
// answers the extension host's requests. Indexing yields between files, so retrieval is answered meanwhile.
import path from "node:path";
import {parentPort, workerData} from "node:worker_threads";
import {TreeShapes} from "../../completion/treeShape";
import {RefactorSyntax} from "../../refactor/syntax";
import {ContextEngine} from "../engine";
import {toPosix} from "../ignoreRules";
import type {MethodName, WorkerEvent, WorkerRequest, WorkerResponse, WorkerStartData} from "./protocol";

/** Edits are written to disk at most this often. */
const saveDelayMs = 2000;

function start(port: NonNullable<typeof parentPort>, data: WorkerStartData): void {
    const send = (message: WorkerResponse | WorkerEvent): void => port.postMessage(message);
    const log = (level: "info" | "warn" | "error", message: string): void => send({event: "log", level, message});
    const ready = ContextEngine.create(data.options, data.wasmDir, (message) => log("warn", message));
    // Syntax trees of the documents being typed in, on the grammars the index already loaded: the extension
    // host parses nothing itself.
    let shapes: TreeShapes | undefined;
    let refactors: RefactorSyntax | undefined;
    const refactorSyntax = (engine: ContextEngine) => refactors ??= new RefactorSyntax(engine.indexer.grammarSet, engine.indexer.trees);
    // The documents' trees are kept by the index's own form of their paths.
    const indexPath = (file: string): string => toPosix(path.resolve(file));
    let saveTimer: NodeJS.Timeout | undefined;
    const saveSoon = (engine: ContextEngine): void => {
        clearTimeout(saveTimer);
        saveTimer = setTimeout(() => engine.save().catch((e: Error) => log("error", `saving the index failed: ${e.message}`)), saveDelayMs);
    };

    const handlers: {[M in MethodName]: (engine: ContextEngine, ...params: WorkerRequest<M>["params"]) => unknown} = {
        indexFolders: async (engine, roots) => {
            const stats = await engine.indexFolders(roots, (progress) => send({event: "progress", progress}));
            await engine.save();
            return stats;
        },
        updateFile: async (engine, file) => { const r = await engine.updateFile(file); saveSoon(engine); return r; },
        removeFile: (engine, file) => { const r = engine.removeFile(file); saveSoon(engine); return r; },
        renameFile: async (engine, from, to) => { const r = await engine.renameFile(from, to); saveSoon(engine); return r; },
        setOptions: (engine, options) => engine.indexer.setOptions(options),
        rankForCursor: (engine, request) => engine.rankForCursor(request),
        rankForQuestion: (engine, request) => engine.rankForQuestion(request),
        contextForCursor: (engine, request) => engine.contextForCursor(request),
        cursorContext: (engine, request) => engine.cursorContext(request),
        contextForQuestion: (engine, request) => engine.contextForQuestion(request),
        searchMentions: (engine, kind, query, limit) => engine.searchMentions(kind, query, limit),
        shapeAt: (engine, request) => (shapes ??= new TreeShapes(engine.indexer.grammarSet, engine.indexer.trees))
            .shapeAt(indexPath(request.path), request.languageId, request.text, request.offset),
        refactorTarget: (engine, request) => refactorSyntax(engine).target({...request, path: indexPath(request.path)}),
        refactorNames: (engine, request) => refactorSyntax(engine).names({...request, path: indexPath(request.path)}),
        codeChange: (engine, request) => refactorSyntax(engine).codeChange(request),
        save: (engine) => engine.save()
    };

    port.on("message", async (request: WorkerRequest) => {
        try {
            const engine = await ready;
            const handler = handlers[request.method] as (engine: ContextEngine, ...params: unknown[]) => unknown;
            if (!handler) throw new Error(`unknown index worker method ${String(request.method)}`);
            send({id: request.id, result: await handler(engine, ...request.params)});
        } catch (error) {
            send({id: request.id, error: (error as Error).message ?? String(error)});
        }
    });
}

if (parentPort) start(parentPort, workerData as WorkerStartData);
