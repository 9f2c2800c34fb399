// The refactors' questions about a document's syntax (the target around the cursor, the names it uses, whether
// an answer changed code outside comments), answered where the grammars live: the index worker in the editor,
// so the extension host parses nothing. A document being typed in is read from the tree the index keeps for it.
import {isParsedLanguage, languageOfText, type ParsedLanguage} from "../context/languages";
import type {LiveTrees} from "../context/liveTrees";
import {GrammarSet} from "../context/parser";
import {codeChangeOutsideComments} from "./codeUnchanged";
import {importLines, targetNames, type TargetNames} from "./contextQuery";
import {findTarget, type RefactorTarget} from "./target";

export interface SyntaxRequest {
    path: string;
    text: string;
    /** Offsets in `text`: the selection (for the target) or the target (for its names). */
    start: number;
    end: number;
}

export interface CodeChangeRequest {
    language?: ParsedLanguage;
    before: string;
    after: string;
}

export class RefactorSyntax {
    constructor(private readonly grammars: GrammarSet, private readonly trees: LiveTrees) {}

    /** The selection, or with none the innermost function, method or class around it; undefined when there is none. */
    async target(request: SyntaxRequest): Promise<RefactorTarget | undefined> {
        const language = parsedLanguageOf(request.path, request.text);
        const tree = language && await this.tree(request.path, language, request.text);
        return findTarget(request.text, tree, language, request.start, request.end);
    }

    /** The file's imports and the names the target uses (imported ones first); none without a grammar. */
    async names(request: SyntaxRequest): Promise<{imports: string[], names: TargetNames}> {
        const language = parsedLanguageOf(request.path, request.text);
        const tree = language && await this.tree(request.path, language, request.text);
        if (!tree) return {imports: [], names: {imported: [], used: []}};
        const imports = importLines(tree);
        return {imports, names: targetNames(tree, request.start, request.end, imports)};
    }

    /** Undefined when only comments differ; else the first code token that does (codeUnchanged.ts). */
    async codeChange(request: CodeChangeRequest): Promise<string | undefined> {
        const grammar = request.language && await this.grammars.load(request.language);
        return codeChangeOutsideComments(request.before, request.after, request.language, grammar ? (code) => GrammarSet.parse(grammar, code) : undefined);
    }

    /** Owned by the shared trees: read before the next await, never deleted here. */
    private async tree(path: string, language: ParsedLanguage, text: string) {
        const grammar = this.grammars.peek(language) ?? await this.grammars.load(language);
        return this.trees.current(path, grammar, text);
    }
}

function parsedLanguageOf(path: string, text: string): ParsedLanguage | undefined {
    const language = languageOfText(path, text);
    return language && isParsedLanguage(language) ? language : undefined;
}
