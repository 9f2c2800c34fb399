// `npm run bench -- chat [--repo PATH] [--questions N] [--pairs N] [--seed N] [--model GGUF]`: the chat's road on
// the real context engine over PATH (default: this project) and the real runtime process (default: the generated
// gemma4 model, embedded engine, CPU), laid out by the chat view's prompt (src/chat/prompt.ts).
// - ttft_ms_first / ttft_ms_followup: from sending a chat request to its first streamed text (the client's clock,
//   IPC included), for a question given ~4,000 tokens of workspace context and then its follow-up, which reuses
//   the first turn's KV cache. Medians over --pairs question pairs (default 3). Target: followup ≤ 0.25 × first.
// - question_context_ms_p95: retrieval and packing for a question at a 32K-token budget, as ContextService does it
//   with a model loaded (rank, then pack with the model's tokenizer under the question's time budget), over
//   --questions questions (default 40) naming symbols of the repository. Target ≤ 150 ms on 2,000 files.
// - pack_128k_ms / pack_128k_overrun: the same at a 128K budget (median ms); overrun is the most tokens, counted
//   exactly by the model's tokenizer on the rendered context, beyond the budget (must be 0).
import fs from "node:fs";
import path from "node:path";
import type {BenchArgs} from "./run";
import {addTurn, newConversation} from "../src/chat/conversation";
import {buildChatMessages} from "../src/chat/prompt";
import {ContextEngine} from "../src/context/engine";
import {packWithTokenizer, renderContext} from "../src/context/pack";
import {modelTokenCounter} from "../src/context/tokenCount";
import type {PackResult, QuestionRequest} from "../src/context/types";
import {RuntimeClient} from "../src/runtime/client";
import type {ChatMessage, GenerationResult} from "../src/runtime/protocol";
import {ensureTestModels, testModelPath} from "../test/support/testModels";
import {median, mulberry32, percentile, round, shuffle} from "./stats";

const ROOT = path.resolve(__dirname, "..");
/** ContextService gives a question four times the completion time budget (40 ms by default). */
const QUESTION_TIME_MS = 160;
const FIRST_CONTEXT_TOKENS = 4000;

export default async function chatBenchmark(args: BenchArgs): Promise<Record<string, unknown>> {
    const repo = path.resolve(args.repo ?? ROOT);
    if (!fs.existsSync(repo) || !fs.statSync(repo).isDirectory()) throw new Error(`--repo ${repo} is not a folder`);
    const questionCount = Number(args.options.questions ?? 40);
    const pairCount = Number(args.options.pairs ?? 3);
    const random = mulberry32(Number(args.options.seed ?? 11));
    const modelPath = typeof args.options.model === "string" ? path.resolve(args.options.model) : (ensureTestModels(), testModelPath("gemma4-target"));

    const engine = await ContextEngine.create({maxFileSizeKb: 512, exclude: []});
    const t0 = performance.now();
    const indexed = await engine.indexFolders([repo]);
    console.log(`indexed ${indexed.files} files of ${repo} in ${(performance.now() - t0).toFixed(0)} ms`);

    const client = new RuntimeClient({hostPath: path.join(ROOT, "dist", "runtime-host.mjs"), log: {info() {}, warn() {}, error: (m: string) => console.error(m)}});
    const model = await client.load({engine: "embedded", modelPath, drafterMode: "off", maxDraftTokens: 8, contextSize: 16384, gpu: "auto", threads: 0});
    console.log(`model ${path.basename(model.modelPath)} (${model.architecture}), context ${model.contextSize}`);
    const counter = modelTokenCounter((texts) => client.tokenCount([...texts]));
    const displayPath = (p: string) => engine.displayPath(p);

    /** What ContextService.contextForQuestion does with a model loaded: rank in the index, pack with the tokenizer. */
    const questionContext = async (request: QuestionRequest): Promise<{packed: PackResult, ms: number, rankMs: number}> => {
        const start = performance.now();
        const ranked = await engine.rankForQuestion(request);
        const rankMs = performance.now() - start;
        const packed = await packWithTokenizer(ranked, {budgetTokens: request.budgetTokens, counter, displayPath, timeMs: QUESTION_TIME_MS});
        return {packed, ms: performance.now() - start, rankMs};
    };

    const questions = questionsFor(engine, random, Math.max(questionCount, pairCount * 2));
    if (questions.length === 0) throw new Error(`${repo} has no named definitions to ask about`);
    console.log(`${questions.length} questions, e.g. "${questions[0].question}"`);

    // Retrieval and packing at 32K, after one warm-up question (the first call pays for lazy set-up).
    const firstQuestion = await questionContext({...questions[0], budgetTokens: 32768, timeBudgetMs: QUESTION_TIME_MS});
    const contextMs: number[] = [];
    const rankMs: number[] = [];
    for (const question of questions.slice(0, questionCount)) {
        const measured = await questionContext({...question, budgetTokens: 32768, timeBudgetMs: QUESTION_TIME_MS});
        contextMs.push(measured.ms);
        rankMs.push(measured.rankMs);
    }

    // Packing at 128K; the overrun is checked on the rendered context as one text, counted exactly.
    const packMs: number[] = [];
    let overrun = 0;
    let used128k = 0;
    for (const question of questions.slice(0, 5)) {
        const {packed, ms} = await questionContext({...question, budgetTokens: 131072, timeBudgetMs: QUESTION_TIME_MS});
        packMs.push(ms);
        const [exact] = await client.tokenCount([renderContext(packed)]);
        overrun = Math.max(overrun, exact - packed.budgetTokens);
        used128k = Math.max(used128k, exact);
    }

    // Time to first text: a question with ~4K tokens of context, then its follow-up in the same conversation.
    const firsts: number[] = [];
    const followups: number[] = [];
    const reuse: number[] = [];
    for (let pair = 0; pair < pairCount; pair++) {
        const question = questions[(pair * 2) % questions.length];
        const {packed} = await questionContext({...question, budgetTokens: FIRST_CONTEXT_TOKENS, timeBudgetMs: QUESTION_TIME_MS});
        const conversation = newConversation(`bench-${pair}`, 0);
        addTurn(conversation, {id: "1", display: question.question, at: 0});
        const first = await timeToFirstText(client, buildChatMessages(conversation, renderContext(packed)), 32);
        firsts.push(first.ttft);
        conversation.turns[0].answer = first.result.text;
        conversation.turns[0].status = "done";
        addTurn(conversation, {id: "2", display: "Can you show a short example of calling it?", at: 1});
        const followup = await timeToFirstText(client, buildChatMessages(conversation, ""), 32);
        followups.push(followup.ttft);
        reuse.push(followup.result.stats.reusedPromptTokens / Math.max(1, followup.result.stats.promptTokens));
        console.log(`pair ${pair + 1}: context ${packed.usedTokens} tokens, first prompt ${first.result.stats.promptTokens} tokens ` +
            `ttft ${first.ttft.toFixed(0)} ms; follow-up ${followup.result.stats.promptTokens} tokens (${followup.result.stats.reusedPromptTokens} reused) ttft ${followup.ttft.toFixed(0)} ms`);
    }
    await client.dispose();

    const ttftFirst = median(firsts);
    const ttftFollowup = median(followups);
    return {
        benchmark: "chat",
        repo,
        files: indexed.files,
        model: path.basename(model.modelPath),
        ttft_ms_first: round(ttftFirst, 1),
        ttft_ms_followup: round(ttftFollowup, 1),
        followup_ratio: round(ttftFollowup / Math.max(1e-9, ttftFirst), 3),
        followup_reused_share: round(median(reuse), 3),
        question_context_ms_p50: round(median(contextMs), 1),
        question_context_ms_p95: round(percentile(contextMs, 95), 1),
        /** The session's first question: nothing counted yet, every candidate goes through the tokenizer. */
        question_context_ms_first: round(firstQuestion.ms, 1),
        /** Of it, retrieval alone (the rest is packing with exact token counts from the runtime). */
        question_rank_ms_p95: round(percentile(rankMs, 95), 1),
        pack_128k_ms: round(median(packMs), 1),
        pack_128k_tokens: used128k,
        pack_128k_overrun: Math.max(0, overrun)
    };
}

async function timeToFirstText(client: RuntimeClient, messages: ChatMessage[], maxTokens: number): Promise<{ttft: number, result: GenerationResult}> {
    const start = performance.now();
    let firstAt: number | undefined;
    const result = await client.chat({messages, maxTokens, reasoning: false}, {onText: () => { firstAt ??= performance.now(); }});
    return {ttft: (firstAt ?? performance.now()) - start, result};
}

/** Questions a user might ask about the repository: each names a definition (file or symbol) picked at random. */
function questionsFor(engine: ContextEngine, random: () => number, count: number): Array<{question: string}> {
    const candidates: Array<{name: string, file: string}> = [];
    for (const file of engine.indexer.index.allFiles()) {
        for (const definition of file.symbols.definitions) {
            if (definition.name.length >= 4) candidates.push({name: definition.name, file: file.path});
        }
    }
    return shuffle(candidates, random).slice(0, count).map(({name, file}, i) => ({
        question: i % 3 === 2
            ? `What is ${path.basename(file)} for, and how does it use ${name}?`
            : `How does \`${name}\` work, and where is it used?`
    }));
}
