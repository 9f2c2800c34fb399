// A suggestion with nothing but whitespace is not shown.
import type {Step} from "./step";

export const dropEmpty: Step = {
    name: "dropEmpty",
    apply(text) {
        return text.trim() === "" ? "" : text;
    }
};
