// A GGUF that parses but lacks what a language model needs (a vision projector has no vocabulary, say):
// its architecture still says what it is, which makes a far better refusal than "missing key".
import {mainModelRefusal} from "./architectures";
import {getString, readGgufHeaderFromFile} from "./gguf";

/** general.architecture read from the header alone; undefined when even that cannot be read. */
export function readArchitectureOnly(filePath: string): string | undefined {
    try {
        return getString(readGgufHeaderFromFile(filePath), "general.architecture");
    } catch {
        return undefined;
    }
}

/** Why a file whose model facts could not be read is unusable: what it is when known, else `detail`. */
export function incompleteModelReason(filePath: string, detail: string): string {
    const architecture = readArchitectureOnly(filePath);
    if (architecture === undefined) return `it lacks what a language model needs (${detail})`;
    return mainModelRefusal(architecture) ?? `it is a ${architecture} file that lacks what a language model needs (${detail})`;
}
