// When Hearth offers no inline suggestion at all, decided from plain facts about the editor so it is tested
// without VS Code: the language is switched off or snoozed, the model is not ready, the document is read-only or
// in an untrusted workspace, a large selection is active, or the text after the cursor is one a suggestion
// cannot be typed in front of.

export interface GateFacts {
    languageEnabled: boolean;
    snoozed: boolean;
    modelReady: boolean;
    readOnly: boolean;
    workspaceTrusted: boolean;
    /** Lines the selection spans (1 for an empty or one-line selection). */
    selectionLines: number;
    /** Text after the cursor on its line. */
    lineSuffix: string;
}

/** Why no suggestion is offered, or undefined when one may be. */
export function blockedBecause(facts: GateFacts): string | undefined {
    if (!facts.languageEnabled) return "off for this language";
    if (facts.snoozed) return "snoozed";
    if (!facts.workspaceTrusted) return "Restricted Mode";
    if (!facts.modelReady) return "no model ready";
    if (facts.readOnly) return "read-only document";
    if (facts.selectionLines > 1) return "a selection is active";
    if (!suffixAllowsCompletion(facts.lineSuffix)) return "text after the cursor";
    return undefined;
}

/**
 * A suggestion can stand in front of closing brackets, quotes and punctuation (what the editor auto-inserts),
 * not in front of a word: typing into the middle of `foo|bar` is editing, not writing new code.
 */
export function suffixAllowsCompletion(lineSuffix: string): boolean {
    return /^[\s)\]}>'"`;,:.]*$/.test(lineSuffix);
}
