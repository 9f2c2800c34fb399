// Chat prompts in the model's own chat format: the wrapper node-llama-cpp resolves from the GGUF (Gemma 4's
// `Gemma4ChatWrapper` for Gemma 4, reasoning off unless asked), rendered to tokens, with its stop triggers split
// into stop tokens (end-of-turn, EOS) and plain stop strings.
import type {ChatHistoryItem, ChatWrapper, Gemma4ChatWrapper, LlamaModel, Token} from "node-llama-cpp";
import type {ChatMessage} from "../../protocol";
import type {NodeLlamaCpp} from "./nodeLlamaCpp";

export interface ChatPrompt {
    tokens: Token[];
    stopTokens: Set<Token>;
    stopStrings: string[];
}

export class ChatFormatter {
    private readonly resolved: ChatWrapper;
    private readonly gemma4: {on: Gemma4ChatWrapper, off: Gemma4ChatWrapper} | undefined;

    constructor(private readonly lib: NodeLlamaCpp, private readonly model: LlamaModel) {
        this.resolved = lib.resolveChatWrapper(model, {customWrapperSettings: {gemma4: {reasoning: false}}, warningLogs: false});
        this.gemma4 = this.resolved instanceof lib.Gemma4ChatWrapper
            ? {on: new lib.Gemma4ChatWrapper({reasoning: true}), off: new lib.Gemma4ChatWrapper({reasoning: false})}
            : undefined;
    }

    /** The wrapper's name, as ModelInfo reports it (e.g. "Gemma 4"). */
    get name(): string {
        return this.resolved.wrapperName;
    }

    /** `prefill`: the start of the model's answer, already written (an instruct completion's code so far). */
    render(messages: readonly ChatMessage[], reasoning: boolean, prefill = ""): ChatPrompt {
        if (messages.length === 0) throw new Error("a chat needs at least one message");
        const wrapper = this.gemma4 ? (reasoning ? this.gemma4.on : this.gemma4.off) : this.resolved;
        const history: ChatHistoryItem[] = messages.map((message): ChatHistoryItem => {
            if (message.role === "assistant") return {type: "model", response: [message.content]};
            return {type: message.role, text: message.content};
        });
        history.push({type: "model", response: [prefill]}); // the answer to generate: an open model turn
        const state = wrapper.generateContextState({chatHistory: history});
        const tokens = state.contextText.tokenize(this.model.tokenizer);
        const stopTokens = new Set<Token>();
        const stopStrings: string[] = [];
        for (const trigger of state.stopGenerationTriggers) {
            const triggerTokens = this.lib.LlamaText(trigger).tokenize(this.model.tokenizer);
            if (triggerTokens.length === 1 && this.model.isSpecialToken(triggerTokens[0])) stopTokens.add(triggerTokens[0]);
            else if (trigger.values.every((value) => typeof value === "string")) stopStrings.push(trigger.toString());
            // A multi-token trigger made of special tokens starts with a special stop token caught above.
        }
        return {tokens, stopTokens, stopStrings: stopStrings.filter((stop) => stop.length > 0)};
    }
}
