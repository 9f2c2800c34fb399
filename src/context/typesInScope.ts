// The types of the names a cursor can reach, read from the code's own annotations: the receiver (`self`, `this`,
// a Go receiver, a Rust `impl`), the enclosing function's parameters, variables declared with a type or from a
// constructor or a function with a declared return type, and the enclosing class's fields. Regular expressions over
// the declarations, per language family, because a completion cannot wait for a type checker; a wrong guess costs
// one snippet, since a type name counts only when the index defines it.
import type {ParsedLanguage} from "./languages";
import {escapeRegExp, isKeyword} from "./identifiers";
import {sliceLines} from "./lines";
import type {Definition, IndexedFile} from "./types";

export interface ScopeTypes {
    /** The type `self`/`this` stands for at the cursor, if any. */
    selfType?: string;
    /** The type `selfType` is nested in, when the method says (C++ `Model::graph::graph`: `Model`). */
    selfOuter?: string;
    /** Name (variable, parameter, field) → type name, as written (`Point`, `geo.Point`). */
    names: Map<string, string>;
    /** Names whose type is the return type of a call, when that type is not written: name → the callee. */
    calls: Map<string, string>;
    /** Types of the enclosing function's parameters (and receiver), nearest first. */
    parameterTypes: string[];
}

/** How far above the cursor declarations are read (the enclosing function's start is read in any case). */
const maxLinesAbove = 300;

const classKinds = new Set(["class", "interface", "scope", "type"]);
const functionKinds = new Set(["function", "method"]);

/** Definitions around `line`, outermost first. */
export function enclosingDefinitions(file: IndexedFile, line: number): Definition[] {
    return file.symbols.definitions
        .filter((d) => d.startLine <= line && line <= d.endLine && d.kind !== "module")
        .sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}

export function typesInScope(file: IndexedFile, text: string, starts: readonly number[], line: number): ScopeTypes {
    const language = file.symbols.language as ParsedLanguage;
    const chain = enclosingDefinitions(file, line);
    const innermostFunction = [...chain].reverse().find((d) => functionKinds.has(d.kind));
    const innermostClass = [...chain].reverse().find((d) => classKinds.has(d.kind));
    const result: ScopeTypes = {names: new Map(), calls: new Map(), parameterTypes: [], selfType: innermostClass?.name};

    // A Go method's receiver, a C++ method defined out of line (`Type::name`), a Rust method in an `impl`.
    const receiver = innermostFunction && receiverOf(language, innermostFunction);
    if (receiver) {
        result.selfType = receiver.type;
        if (receiver.outer) result.selfOuter = receiver.outer;
        if (receiver.name) result.names.set(receiver.name, receiver.type);
    }
    if (innermostFunction) {
        for (const [name, type] of parameters(language, innermostFunction.signature)) {
            if (!result.names.has(name)) result.names.set(name, type);
            result.parameterTypes.push(type);
        }
    }
    if (receiver) result.parameterTypes.unshift(receiver.type);

    // Declarations: the enclosing class's body (fields), then the enclosing function up to the cursor, then the
    // file's top-level lines above — nearer declarations are read last and win.
    const outer = chain[0];
    const regions: Array<[number, number]> = [];
    if (innermostClass) regions.push([innermostClass.startLine, Math.min(innermostClass.endLine, innermostClass.startLine + 400)]);
    const from = Math.max(0, Math.min(outer?.startLine ?? line, line - maxLinesAbove));
    regions.push([from, Math.min(line, starts.length - 1)]);
    for (const [start, end] of regions) declarations(language, sliceLines(text, starts, start, end), result);
    return result;
}

/** Names a class declares with a type (fields, constructor parameter properties, `self.x = Foo()`) → type. */
export function fieldTypes(language: ParsedLanguage, text: string, starts: readonly number[], type: Definition): Map<string, string> {
    const into: ScopeTypes = {names: new Map(), calls: new Map(), parameterTypes: []};
    declarations(language, sliceLines(text, starts, type.startLine, Math.min(type.endLine, type.startLine + 400)), into);
    return into.names;
}

/** The receiver of a method: Go's `(p *Point)`, C++'s `Matrix::trace`, the `impl` a Rust fn sits in. */
function receiverOf(language: ParsedLanguage, def: Definition): {name?: string, type: string, outer?: string} | undefined {
    if (language === "go") {
        const m = /^func\s*\(\s*(?:(\w+)\s+)?\*?\s*([A-Za-z_]\w*)/.exec(def.signature);
        return m ? {name: m[1], type: m[2]} : undefined;
    }
    if (language === "cpp") {
        const m = /(?:([A-Za-z_]\w*)(?:<[^>]*>)?::)?([A-Za-z_]\w*)(?:<[^>]*>)?::~?[A-Za-z_]\w*\s*\(/.exec(def.signature);
        return m ? {type: m[2], ...(m[1] ? {outer: m[1]} : {})} : undefined;
    }
    if (language === "rust" && def.container) return {type: def.container};
    return undefined;
}

/** `name → type` of a function's parameters, from its signature. */
export function parameters(language: ParsedLanguage, signature: string): Array<[string, string]> {
    const open = signature.indexOf("(", language === "go" && /^func\s*\(/.test(signature) ? signature.indexOf(")") + 1 : 0);
    if (open < 0) return [];
    const list = balanced(signature, open);
    const found: Array<[string, string]> = [];
    for (const part of splitTopLevel(list)) {
        const pair = parameter(language, part.trim());
        if (pair && !isKeyword(pair[0]) && pair[1]) found.push(pair);
    }
    // Go shares a type across names: `a, b Point`.
    if (language === "go") {
        const parts = splitTopLevel(list).map((p) => p.trim());
        for (let i = parts.length - 1, type = ""; i >= 0; i--) {
            const m = /^([A-Za-z_]\w*)(?:\s+(.+))?$/.exec(parts[i]);
            if (!m) continue;
            if (m[2]) type = typeName(m[2]); else if (type && !found.some(([n]) => n === m[1])) found.push([m[1], type]);
        }
    }
    return found;
}

function parameter(language: ParsedLanguage, part: string): [string, string] | undefined {
    const cleaned = part.replace(/^(?:@\w+(?:\([^)]*\))?\s+)*/, "").replace(/\b(?:public|private|protected|readonly|override|final|const|mut|ref|out|in|params|var)\s+/g, "");
    switch (language) {
        case "typescript": case "tsx": case "javascript": case "python": case "rust": {
            const m = /^\*{0,2}&?(?:mut\s+)?([A-Za-z_$][\w$]*)\s*\??\s*:\s*(.+?)(?:\s*=.*)?$/.exec(cleaned);
            return m ? [m[1], typeName(m[2])] : undefined;
        }
        case "go": {
            const m = /^([A-Za-z_]\w*)\s+(.+)$/.exec(cleaned);
            return m ? [m[1], typeName(m[2])] : undefined;
        }
        case "php": {
            const m = /^\??([A-Za-z_\\][\w\\]*)\s+&?\$(\w+)/.exec(cleaned);
            return m ? [`$${m[2]}`, typeName(m[1])] : undefined;
        }
        default: {
            // Java, C#, C, C++: `Type name`, `const Type &name`, `struct vec *v`.
            const m = /^(?:struct\s+|enum\s+|class\s+)?([A-Za-z_][\w:.<>, ]*?)[\s*&]+([A-Za-z_]\w*)(?:\s*\[\s*\])?(?:\s*=.*)?$/.exec(cleaned);
            return m ? [m[2], typeName(m[1])] : undefined;
        }
    }
}

/**
 * Declarations in a region of code: `x: Foo`, `x = new Foo(…)`, `x := Foo{…}`, `Foo x = …`, `let x = Foo::new(…)`,
 * `self.x = Foo(…)`, `x = make_foo(…)` (the callee's return type, found later).
 */
function declarations(language: ParsedLanguage, region: string, into: ScopeTypes): void {
    const set = (name: string, type: string): void => {
        if (!isKeyword(name) && type && !isKeyword(type)) { into.names.set(name, type); into.calls.delete(name); }
    };
    // Annotations: TS, Python, Rust, and TS/Python class fields.
    if (language !== "go" && language !== "c" && language !== "cpp" && language !== "java" && language !== "csharp") {
        for (const m of region.matchAll(/(?:^|[\s,(;{])(?:(?:self|this)\.)?([A-Za-z_$][\w$]*)\s*[?!]?\s*:\s*(?:readonly\s+)?&?(?:mut\s+)?(?:dyn\s+)?([A-Za-z_$][\w$.:]*(?:<[^<>\n]*>)?)/g)) {
            set(m[1], typeName(m[2]));
        }
    }
    // Construction or a call: `x = new Foo(`, `x := &pkg.Foo{`, `let x = Foo::new(`, `self.x = Foo(`, `$x = new Foo(`.
    for (const m of region.matchAll(/(?:^|[\s,(;{])(?:let\s+(?:mut\s+)?|const\s+|var\s+|auto\s+)?(?:(?:self|this|\$this)(?:\.|->))?(\$?[A-Za-z_][\w$]*)\s*(?::=|=(?!=))\s*(?:await\s+)?(new\s+)?&?([A-Za-z_$\\][\w$.:\\]*)\s*(?:<[^<>\n]*>)?\s*([({])/g)) {
        const [, name, isNew, callee, bracket] = m;
        const parts = callee.split(/::|\.|\\/).filter(Boolean);
        let last = parts[parts.length - 1] ?? "";
        if ((last === "new" || last === "default" || last === "create") && parts.length > 1) last = parts[parts.length - 2];
        if (isNew || bracket === "{" || (language !== "go" && /^[A-Z]/.test(last))) set(name, last);
        else if (language === "go" && /^New[A-Z]/.test(last)) set(name, last.slice(3));
        else if (!isKeyword(name) && !isKeyword(last)) { into.names.delete(name); into.calls.set(name, last); }
    }
    // Ruby's `x = Foo::Bar.new` takes no brackets.
    for (const m of region.matchAll(/(?:^|[\s;])@?([a-z_]\w*)\s*=\s*(?:[A-Z]\w*::)*([A-Z]\w*)\.new\b/g)) set(m[1], m[2]);
    if (language === "go") {
        for (const m of region.matchAll(/\bvar\s+([A-Za-z_]\w*)\s+\*?((?:\w+\.)?[A-Za-z_]\w*)/g)) set(m[1], typeName(m[2]));
    }
    if (language === "java" || language === "csharp" || language === "c" || language === "cpp") {
        // `Foo x = …;`, `Foo<T> x;`, `struct vec *v = …`, `const Matrix& m`.
        for (const m of region.matchAll(/(?:^|[\s,(;{])(?:final\s+|const\s+|static\s+|struct\s+)*([A-Za-z_][\w:.]*)(?:<[^<>\n]*>)?\s*(?:\[\s*\])?[\s*&]+([A-Za-z_]\w*)\s*(?=[=;,)[({])/g)) {
            if (!isKeyword(m[1]) && m[1] !== "return") set(m[2], typeName(m[1]));
        }
    }
    if (language === "php") {
        for (const m of region.matchAll(/\b([A-Z][\w\\]*)\s+\$(\w+)/g)) set(`$${m[2]}`, typeName(m[1]));
    }
}

/**
 * The type a written type stands for: `Promise<Foo>` → Foo is not what a call on it needs, but `Foo[]`,
 * `Foo | undefined`, `Optional[Foo]`, `*pkg.Foo`, `&mut Foo`, `std::vector<Foo>` keep their main name.
 */
export function typeName(written: string): string {
    let t = written.trim();
    for (let before = ""; before !== t;) { before = t; t = t.replace(/^(?:(?:readonly|const|struct|mut|dyn|impl)\s+|[&*?\s])/, ""); }
    const optional = /^(?:Optional|Option|Readonly|Partial|Required)\s*[[<]\s*(.+)[\]>]\s*$/.exec(t);
    if (optional) t = optional[1];
    t = t.split(/\s*[|,=]\s*/)[0].replace(/\[\s*\]$/, "").replace(/<.*$/, "").replace(/\[.*$/, "").trim();
    const parts = t.split(/::|\.|\\/).filter(Boolean);
    const name = parts[parts.length - 1] ?? "";
    return /^[A-Za-z_$][\w$]*$/.test(name) ? name : "";
}

/** A function's declared return type, if it writes one: `): Foo`, `-> Foo`, Go's `) *Foo`, Java's `Foo name(`. */
export function returnType(language: ParsedLanguage, def: Definition): string | undefined {
    const s = def.signature;
    let m: RegExpExecArray | null = null;
    switch (language) {
        case "typescript": case "tsx": case "javascript": m = /\)\s*:\s*(?:Promise\s*<\s*)?([A-Za-z_$][\w$.]*)/.exec(s); break;
        case "python": case "rust": m = /->\s*(?:Result\s*<\s*|Option\s*<\s*|Optional\[\s*|Box\s*<\s*)?&?(?:mut\s+)?['"]?([A-Za-z_][\w.:]*)/.exec(s); break;
        case "go": m = /\)\s*\(?\s*\*?((?:\w+\.)?[A-Za-z_]\w*)\s*(?:,|\)|$)/.exec(s.slice(s.indexOf(def.name))); break;
        case "php": m = /\)\s*:\s*\??([A-Za-z_\\][\w\\]*)/.exec(s); break;
        default: m = new RegExp(`([A-Za-z_][\\w:]*)(?:<[^<>]*>)?[\\s*&]+${escapeRegExp(def.name)}\\s*\\(`).exec(s); break;
    }
    const type = m ? typeName(m[1]) : "";
    return type && !isKeyword(type) && type !== "void" && type !== "Self" ? type : undefined;
}

/** Text between the bracket at `open` and its match. */
function balanced(text: string, open: number): string {
    let depth = 0;
    for (let i = open; i < text.length; i++) {
        const c = text[i];
        if (c === "(" || c === "[" || c === "{" || c === "<") depth++;
        else if (c === ")" || c === "]" || c === "}" || (c === ">" && text[i - 1] !== "=" && text[i - 1] !== "-")) {
            depth--;
            if (depth === 0) return text.slice(open + 1, i);
        }
    }
    return text.slice(open + 1);
}

/** Splits on commas outside brackets. */
function splitTopLevel(list: string): string[] {
    const parts: string[] = [];
    let depth = 0, start = 0;
    for (let i = 0; i < list.length; i++) {
        const c = list[i];
        if (c === "(" || c === "[" || c === "{" || c === "<") depth++;
        else if (c === ")" || c === "]" || c === "}" || (c === ">" && list[i - 1] !== "=" && list[i - 1] !== "-")) depth--;
        else if (c === "," && depth === 0) { parts.push(list.slice(start, i)); start = i + 1; }
    }
    parts.push(list.slice(start));
    return parts.filter((p) => p.trim() !== "");
}
