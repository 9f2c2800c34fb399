// The names an import statement binds, read from its text per language. The module it names comes from the
// query (@import.source); this only answers "which local names does it introduce, and from what".
import {escapeRegExp} from "./identifiers";
import type {ParsedLanguage} from "./languages";
import type {ImportBinding} from "./types";

const word = /[A-Za-z_$][A-Za-z0-9_$]*/g;

function lastSegment(source: string): string {
    const parts = source.split(/::|[./\\]/).filter(Boolean);
    return parts[parts.length - 1] ?? source;
}

/** `a as b, c` → a→b, c→c (also `a: b` is not used; JS uses `as`). */
function aliasList(list: string): ImportBinding[] {
    const bindings: ImportBinding[] = [];
    for (const item of list.split(",")) {
        const names: string[] = item.replace(/\btype\b/g, " ").match(word) ?? [];
        if (names.length === 0) continue;
        if (names.length >= 3 && names[1] === "as") bindings.push({imported: names[0], local: names[2]});
        else bindings.push({imported: names[0], local: names[0]});
    }
    return bindings;
}

function ecmaScript(statement: string): ImportBinding[] {
    if (/^\s*export\b/.test(statement)) {
        const braces = /\{([^}]*)\}/.exec(statement);
        return braces ? aliasList(braces[1]) : [{imported: "*", local: "*"}];
    }
    const bindings: ImportBinding[] = [];
    const head = statement.split(/\bfrom\b|=\s*require\s*\(/)[0].replace(/^\s*(import|const|let|var)\s+(type\s+)?/, "");
    const braces = /\{([^}]*)\}/.exec(head);
    if (braces) bindings.push(...aliasList(braces[1]));
    const namespace = /\*\s*as\s+([A-Za-z_$][\w$]*)/.exec(head);
    if (namespace) bindings.push({imported: "*", local: namespace[1]});
    const rest = head.replace(/\{[^}]*\}/, "").replace(/\*\s*as\s+[A-Za-z_$][\w$]*/, "");
    const defaultName = /^\s*([A-Za-z_$][\w$]*)/.exec(rest);
    if (defaultName) bindings.push({imported: braces || namespace ? "default" : "*", local: defaultName[1]});
    return bindings;
}

function python(statement: string, source: string): ImportBinding[] {
    const from = /^\s*from\s+\S+\s+import\s+([\s\S]*)$/.exec(statement);
    if (from) {
        const list = from[1].replace(/[()\\\n]/g, " ");
        if (list.trim() === "*") return [{imported: "*", local: "*"}];
        return aliasList(list);
    }
    const alias = new RegExp(`${escapeRegExp(source)}\\s+as\\s+([A-Za-z_]\\w*)`).exec(statement);
    return [{imported: "*", local: alias ? alias[1] : source.split(".")[0]}];
}

function rust(source: string): ImportBinding[] {
    const group = /\{([\s\S]*)\}\s*$/.exec(source);
    if (group) {
        return group[1].split(",").flatMap((item): ImportBinding[] => {
            const trimmed = item.trim();
            if (!trimmed) return [];
            const alias = /(\w+)\s+as\s+(\w+)$/.exec(trimmed);
            if (alias) return [{imported: alias[1], local: alias[2]}];
            const name = lastSegment(trimmed);
            return name === "self" ? [] : [{imported: name, local: name}];
        });
    }
    const alias = /(\w+)\s+as\s+(\w+)$/.exec(source);
    if (alias) return [{imported: alias[1], local: alias[2]}];
    const name = lastSegment(source);
    return name === "*" ? [{imported: "*", local: "*"}] : [{imported: name, local: name}];
}

/** Bindings of one import statement; `source` is the module text the query captured (quotes removed). */
export function importBindings(language: ParsedLanguage, statement: string, source: string): ImportBinding[] {
    switch (language) {
        case "typescript": case "tsx": case "javascript":
            return ecmaScript(statement);
        case "python":
            return python(statement, source);
        case "rust":
            return rust(source);
        case "go": {
            const alias = /^\s*([A-Za-z_]\w*|\.)\s+"/.exec(statement);
            return [{imported: "*", local: alias ? alias[1] : lastSegment(source)}];
        }
        case "java": case "php": {
            if (/\.\*\s*;/.test(statement) || /^\s*(require|include)/.test(statement)) return [{imported: "*", local: "*"}];
            const alias = /\bas\s+([A-Za-z_]\w*)/.exec(statement);
            const name = lastSegment(source);
            return name === "*" ? [{imported: "*", local: "*"}] : [{imported: name, local: alias ? alias[1] : name}];
        }
        default:
            // C/C++ includes, C# usings, Ruby requires, Bash sources bring in everything the target defines.
            return [{imported: "*", local: "*"}];
    }
}
