// Single- or multi-line at the cursor, from a tree-sitter tree kept per document and re-parsed incrementally as
// the user types (one keystroke re-parses only the changed region). Runs wherever the context engine's grammars
// load: the index worker in the editor, in-process in tests and benchmarks.
import {isParsedLanguage, type ParsedLanguage} from "../context/languages";
import {LiveTrees} from "../context/liveTrees";
import {GrammarSet} from "../context/parser";
import {completionShape, type Shape} from "./multiline";

/** VS Code language ids whose grammar is named differently. */
const GRAMMAR_OF: Record<string, ParsedLanguage> = {typescriptreact: "tsx", javascriptreact: "javascript", shellscript: "bash"};

export function grammarFor(languageId: string): ParsedLanguage | undefined {
    const name = GRAMMAR_OF[languageId] ?? languageId;
    return isParsedLanguage(name) ? name : undefined;
}

export class TreeShapes {
    /** `trees`: in the index worker, the index's own, so a keystroke is parsed once for both. */
    constructor(private readonly grammars: GrammarSet, private readonly trees = new LiveTrees(8)) {}

    static async create(wasmDir?: string): Promise<TreeShapes> {
        return new TreeShapes(await GrammarSet.create(wasmDir));
    }

    async shapeAt(path: string, languageId: string, text: string, offset: number): Promise<Shape> {
        const language = grammarFor(languageId);
        if (language === undefined) return completionShape(text, offset, () => null);
        const grammar = this.grammars.peek(language) ?? await this.grammars.load(language);
        // Without a tree in time (error recovery on a broken line of a large file), the shape is read from the text.
        const tree = this.trees.withinBudget(path, grammar, text);
        return completionShape(text, offset, (index) => tree?.rootNode.descendantForIndex(index) ?? null);
    }
}
