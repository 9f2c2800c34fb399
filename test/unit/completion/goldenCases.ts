// Golden cases for post-processing: a document with the cursor marked █, what the model produced, and what the
// step (or the whole pipeline) must leave. Answer shapes are the ones instruction-tuned models really produce.

export interface GoldenCase {
    name: string;
    languageId: "typescript" | "python" | "go" | "rust";
    /** The document, with █ where the cursor is. */
    doc: string;
    multiline: boolean;
    input: string;
    /** "" when nothing should be shown. */
    expected: string;
    indentUnit?: string;
}

export const goldenCases: Record<string, GoldenCase[]> = {
    singleLine: [
        {name: "ts: keeps the first line", languageId: "typescript", doc: "const total = █\n", multiline: false,
            input: "items.reduce((a, b) => a + b, 0);\nconsole.log(total);", expected: "items.reduce((a, b) => a + b, 0);"},
        {name: "py: leading newline at an empty line rest keeps the next line", languageId: "python", doc: "def f(x):\n    █\n", multiline: false,
            input: "\n    return x * 2\n    print(x)", expected: "\n    return x * 2"},
        {name: "go: a newline first before text after the cursor shows nothing", languageId: "go", doc: "x := compute(█)\n", multiline: false,
            input: "\nfoo()", expected: ""},
        {name: "rust: multi-line mode leaves it alone", languageId: "rust", doc: "fn main() {\n    █\n}\n", multiline: true,
            input: "let x = 1;\n    println!(\"{}\", x);", expected: "let x = 1;\n    println!(\"{}\", x);"}
    ],
    matchIndentation: [
        {name: "py: first line indented again after the editor's indent", languageId: "python", doc: "def f(x):\n    █\n", multiline: true,
            input: "    y = x + 1\n    return y", expected: "y = x + 1\n    return y"},
        {name: "go: spaces become the file's tabs", languageId: "go", doc: "func f() {\n\t█\n}\n", multiline: true, indentUnit: "\t",
            input: "x := 1\n    if x > 0 {\n        return\n    }", expected: "x := 1\n\tif x > 0 {\n\t\treturn\n\t}"},
        {name: "ts: tabs become the file's spaces", languageId: "typescript", doc: "function f() {\n  █\n}\n", multiline: true, indentUnit: "  ",
            input: "const a = 1;\n\tif (a) {\n\t\treturn a;\n\t}", expected: "const a = 1;\n  if (a) {\n    return a;\n  }"},
        {name: "rust: text before the cursor keeps the first line as is", languageId: "rust", doc: "let v = █\n", multiline: false,
            input: " vec![1, 2]", expected: " vec![1, 2]"},
        {name: "py: already right, unchanged", languageId: "python", doc: "class A:\n    def f(self):\n        █\n", multiline: true,
            input: "return self.x\n", expected: "return self.x\n"}
    ],
    dropDegenerate: [
        {name: "ts: a line repeated three times keeps one", languageId: "typescript", doc: "█\n", multiline: true,
            input: "count++;\ncount++;\ncount++;\ncount++;", expected: "count++;"},
        {name: "py: a repeated two-line block keeps one copy", languageId: "python", doc: "█\n", multiline: true,
            input: "x = read()\nprint(x)\nx = read()\nprint(x)\nx = read()\nprint(x)", expected: "x = read()\nprint(x)"},
        {name: "go: closing braces are not a loop", languageId: "go", doc: "█\n", multiline: true,
            input: "\t\t}\n\t}\n}", expected: "\t\t}\n\t}\n}"},
        {name: "ts: the same closer at the same indentation again and again keeps one", languageId: "typescript", doc: "function f() {█", multiline: true,
            input: "\n            }\n            }\n            }\n            }", expected: "\n            }"},
        {name: "rust: a token repeated to the budget is cut", languageId: "rust", doc: "let s = █\n", multiline: false,
            input: "foo(bar, bar, bar, bar, bar, bar, bar, bar, bar, bar, ", expected: "foo(bar, "},
        {name: "ts: a comment rule of dashes survives", languageId: "typescript", doc: "█\n", multiline: false,
            input: "// ----------------------------------------", expected: "// ----------------------------------------"},
        {name: "py: two identical lines are legitimate", languageId: "python", doc: "█\n", multiline: true,
            input: "a.append(1)\na.append(1)\nreturn a", expected: "a.append(1)\na.append(1)\nreturn a"},
        {name: "go: a short zero array survives", languageId: "go", doc: "var m = █\n", multiline: false,
            input: "[4]int{0, 0, 0, 0}", expected: "[4]int{0, 0, 0, 0}"},
        {name: "ts: a long call repeated to the budget keeps one copy", languageId: "typescript", doc: "const parts = [█\n", multiline: false,
            input: "split(line), trimmed(value), trimmed(value), trimmed(value), trimmed(value), ", expected: "split(line), trimmed(value), "},
        {name: "py: three copies of a long argument are legitimate", languageId: "python", doc: "total = █\n", multiline: false,
            input: "add(price_a), add(price_a), add(price_a)", expected: "add(price_a), add(price_a), add(price_a)"}
    ],
    limitToBlock: [
        {name: "py: stops before the next top-level def", languageId: "python", doc: "def area(r):\n    █\n", multiline: true,
            input: "return 3.14 * r * r\n\ndef perimeter(r):\n    return 2 * 3.14 * r", expected: "return 3.14 * r * r\n"},
        {name: "ts: a closing brace the suffix already has is cut", languageId: "typescript", doc: "function f() {\n    █\n}\n", multiline: true,
            input: "const x = 1;\n    return x;\n}\n\nfunction g() {}", expected: "const x = 1;\n    return x;"},
        {name: "ts: after a header at the end of the file the closing brace is kept", languageId: "typescript", doc: "export function sum(a: number, b: number) {█", multiline: true,
            input: "\n    return a + b;\n}\n\nexport function diff() {", expected: "\n    return a + b;\n}"},
        {name: "go: after a header the suffix's brace wins", languageId: "go", doc: "func add(a, b int) int {█\n}\n", multiline: true,
            input: "\n\treturn a + b\n}", expected: "\n\treturn a + b"},
        {name: "py: after a header, a line at the header's indent ends it", languageId: "python", doc: "    def f(self):█\n", multiline: true,
            input: "\n        return 1\n    def g(self):\n        return 2", expected: "\n        return 1"},
        {name: "rust: siblings at the cursor's indentation stay", languageId: "rust", doc: "fn main() {\n    █\n}\n", multiline: true,
            input: "let a = 1;\n    let b = 2;\n    println!(\"{}\", a + b);", expected: "let a = 1;\n    let b = 2;\n    println!(\"{}\", a + b);"},
        {name: "go: nested deeper lines stay", languageId: "go", doc: "func f() {\n\tfor i := range xs {\n\t\t█\n\t}\n}\n", multiline: true, indentUnit: "\t",
            input: "if i > 0 {\n\t\t\tbreak\n\t\t}\n\t}\n}", expected: "if i > 0 {\n\t\t\tbreak\n\t\t}"},
        {name: "rust: single-line mode untouched", languageId: "rust", doc: "    let x = █\n", multiline: false,
            input: "compute();", expected: "compute();"}
    ],
    dropRepeatedNextLines: [
        {name: "ts: runs on into the next line of the file", languageId: "typescript", doc: "function f(a) {\n    █\n    return a;\n}\n", multiline: true,
            input: "a = a * 2;\n    return a;\n}", expected: "a = a * 2;"},
        {name: "py: a single line that is the next line again is dropped", languageId: "python", doc: "x = 1\n█\ny = 2\n", multiline: false,
            input: "y = 2", expected: ""},
        {name: "go: a different line is kept", languageId: "go", doc: "func f() {\n\t█\n\treturn\n}\n", multiline: true,
            input: "log.Println(\"start\")", expected: "log.Println(\"start\")"},
        {name: "rust: blank lines in the suffix are skipped when comparing", languageId: "rust", doc: "fn f() {\n    █\n\n    g();\n}\n", multiline: true,
            input: "setup();\n    g();", expected: "setup();"},
        {name: "ts: the same-line rest repeated on a later line", languageId: "typescript", doc: "const v = █compute(input);\n", multiline: true,
            input: "await\n    compute(input);", expected: "await"},
        {name: "py: nothing after the cursor, unchanged", languageId: "python", doc: "def f():\n    █", multiline: true,
            input: "return 1", expected: "return 1"}
    ],
    balanceBrackets: [
        {name: "ts: an array's closer the editor already added", languageId: "typescript", doc: "const xs = [█];\n", multiline: false,
            input: "1, 2, 3];", expected: "1, 2, 3"},
        {name: "py: a call's closer already there", languageId: "python", doc: "print(█)\n", multiline: false,
            input: "f\"total: {n}\")", expected: "f\"total: {n}\""},
        {name: "go: a closer inside a string does not count", languageId: "go", doc: "fmt.Println(█)\n", multiline: false,
            input: "\"a)b\", x)", expected: "\"a)b\", x"},
        {name: "rust: balanced inner brackets are kept", languageId: "rust", doc: "let v = vec![█];\n", multiline: false,
            input: "f(1), g(2)", expected: "f(1), g(2)"},
        {name: "ts: a closer on its own line goes with its line", languageId: "typescript", doc: "call({\n    █\n});\n", multiline: true,
            input: "a: 1,\n    b: 2,\n})", expected: "a: 1,\n    b: 2,"},
        {name: "go: a closer the suffix does not start with stays", languageId: "go", doc: "x := f(a█\n", multiline: false,
            input: ", b)", expected: ", b)"},
        {name: "py: a bracket in a comment does not count", languageId: "python", doc: "items = [█]\n", multiline: false,
            input: "1, 2  # keep ]", expected: "1, 2  # keep ]"}
    ],
    removeSuffixOverlap: [
        {name: "ts: the auto-closed paren is not typed twice", languageId: "typescript", doc: "foo(█)\n", multiline: false,
            input: "a, b)", expected: "a, b"},
        {name: "ts: keeping the closer balances the line", languageId: "typescript", doc: "bar(█)\n", multiline: false,
            input: "foo()", expected: "foo()"},
        {name: "py: a string's closing quote and colon", languageId: "python", doc: "if name == \"█\":\n", multiline: false,
            input: "main\":", expected: "main"},
        {name: "go: the semicolon-free rest echoed", languageId: "go", doc: "if err != nil {█}\n", multiline: false,
            input: " return err }", expected: " return err "},
        {name: "rust: no overlap, unchanged", languageId: "rust", doc: "let x = █;\n", multiline: false,
            input: "y + 1", expected: "y + 1"},
        {name: "ts: an echoed statement end", languageId: "typescript", doc: "const x = █;\n", multiline: false,
            input: "compute();", expected: "compute()"}
    ],
    trimWhitespace: [
        {name: "ts: trailing spaces on lines", languageId: "typescript", doc: "█\n", multiline: true,
            input: "const a = 1;   \nconst b = 2;\t", expected: "const a = 1;\nconst b = 2;"},
        {name: "py: trailing blank lines", languageId: "python", doc: "█\n", multiline: true,
            input: "return x\n\n\n", expected: "return x"},
        {name: "go: inner blank lines stay", languageId: "go", doc: "█\n", multiline: true,
            input: "a := 1\n\nb := 2", expected: "a := 1\n\nb := 2"},
        {name: "rust: leading space is kept", languageId: "rust", doc: "let x =█\n", multiline: false,
            input: " 5;", expected: " 5;"},
        {name: "go: the space before a closing brace on the line is kept", languageId: "go", doc: "if err != nil {█}\n", multiline: false,
            input: " return err ", expected: " return err "},
        {name: "ts: a space before a line break after the cursor goes", languageId: "typescript", doc: "let a =█\n", multiline: false,
            input: " 1; ", expected: " 1;"}
    ],
    dropEmpty: [
        {name: "ts: whitespace only", languageId: "typescript", doc: "█\n", multiline: true, input: "  \n\t\n", expected: ""},
        {name: "py: code", languageId: "python", doc: "█\n", multiline: false, input: "pass", expected: "pass"},
        {name: "go: nothing", languageId: "go", doc: "█\n", multiline: false, input: "", expected: ""},
        {name: "rust: a lone newline", languageId: "rust", doc: "fn f() {█}\n", multiline: true, input: "\n", expected: ""}
    ],
    pipeline: [
        {name: "ts: a body after a header with a repeated closing brace and trailing spaces", languageId: "typescript",
            doc: "function greet(name: string) {█\n}\n", multiline: true,
            input: "\n    return `Hello, ${name}!`;  \n}\n", expected: "\n    return `Hello, ${name}!`;"},
        {name: "py: re-indented first line, then the next def", languageId: "python",
            doc: "import math\n\ndef hyp(a, b):\n    █\n", multiline: true,
            input: "    return math.sqrt(a * a + b * b)\n\n\ndef other():\n    pass\n", expected: "return math.sqrt(a * a + b * b)"},
        {name: "go: single line inside a call with an auto-closed paren", languageId: "go",
            doc: "func main() {\n\tfmt.Println(█)\n}\n", multiline: false, indentUnit: "\t",
            input: "\"hello\", name)\n\tfmt.Println(\"bye\")", expected: "\"hello\", name"},
        {name: "rust: a loop of the same statement", languageId: "rust",
            doc: "fn main() {\n    █\n}\n", multiline: true,
            input: "v.push(1);\n    v.push(1);\n    v.push(1);\n    v.push(1);\n}", expected: "v.push(1);"},
        {name: "ts: the suggestion only repeats the next line", languageId: "typescript",
            doc: "const a = 1;\n█\nconst b = 2;\n", multiline: false, input: "const b = 2;", expected: ""},
        {name: "py: go-style tabs in Python answer become spaces", languageId: "python",
            doc: "for x in xs:\n    █\n", multiline: true, indentUnit: "    ",
            input: "if x:\n\t\tprint(x)", expected: "if x:\n        print(x)"},
        {name: "go: a closing brace the block needs, with nothing after the cursor", languageId: "go",
            doc: "package main\n\nfunc add(a, b int) int {█", multiline: true, indentUnit: "\t",
            input: "\n\treturn a + b\n}\n\nfunc sub(a, b int) int {\n\treturn a - b\n}", expected: "\n\treturn a + b\n}"},
        {name: "rust: a match arm list inside braces the editor closed", languageId: "rust",
            doc: "match x {█}\n", multiline: false, input: " 1 => a, _ => b }", expected: " 1 => a, _ => b "},
        {name: "py: a docstring body after the opener", languageId: "python",
            doc: "def load(path):\n    \"\"\"█\n    return open(path).read()\n", multiline: true,
            input: "Read the whole file at path.\n    \"\"\"\n    return open(path).read()", expected: "Read the whole file at path.\n    \"\"\""},
        {name: "ts: an object literal the editor closed, with a repeated closing line", languageId: "typescript",
            doc: "const config = {\n    █\n};\n", multiline: true,
            input: "port: 8080,\n    host: \"localhost\",\n};", expected: "port: 8080,\n    host: \"localhost\","},
        {name: "go: an if body inside a function", languageId: "go",
            doc: "func f(err error) error {\n\tif err != nil {█\n\t}\n\treturn nil\n}\n", multiline: true, indentUnit: "\t",
            input: "\n\t\treturn fmt.Errorf(\"f: %w\", err)\n\t}\n\treturn nil\n}", expected: "\n\t\treturn fmt.Errorf(\"f: %w\", err)"},
        {name: "rust: degenerate closers only", languageId: "rust",
            doc: "fn f() {\n    g(█);\n}\n", multiline: false, input: "))))", expected: ""}
    ]
};
