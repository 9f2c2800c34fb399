// Bracket balance of code, line by line: opening minus closing brackets outside string literals and `//` comments.
// Rough by design (no language's full lexer): it tells whether an answer closed what its target closes.

export function bracketBalance(text: string): number {
    let balance = 0;
    for (const line of text.split("\n")) {
        let quote: string | undefined;
        for (let i = 0; i < line.length; i++) {
            const ch = line[i];
            if (quote) {
                if (ch === "\\") i++;
                else if (ch === quote) quote = undefined;
                continue;
            }
            if (ch === "/" && line[i + 1] === "/") break;
            if (ch === "\"" || ch === "'" || ch === "`") quote = ch;
            else if (ch === "(" || ch === "[" || ch === "{") balance++;
            else if (ch === ")" || ch === "]" || ch === "}") balance--;
        }
    }
    return balance;
}
