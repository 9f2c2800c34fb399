// One post-processing step: takes the suggestion so far and the cursor context, returns the suggestion to show
// ("" for none). Steps are pure, so each is tested alone with golden cases.
import type {CursorContext} from "./context";

export interface Step {
    readonly name: string;
    apply(text: string, ctx: CursorContext): string;
}
