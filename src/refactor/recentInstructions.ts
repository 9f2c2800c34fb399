// The Rewrite command's recent instructions, newest first, without repeats (case and spacing aside), kept per
// workspace by the adapter.

export const MAX_RECENT_INSTRUCTIONS = 12;

export function rememberInstruction(recent: readonly string[], instruction: string, max = MAX_RECENT_INSTRUCTIONS): string[] {
    const text = instruction.trim().replace(/\s+/g, " ");
    if (text === "") return [...recent];
    const key = text.toLowerCase();
    return [text, ...recent.filter((r) => r.toLowerCase() !== key)].slice(0, max);
}
