// Time budgets for context sources: each source gets its own deadline and returns what it found when it runs
// out, so a slow source shortens the context instead of delaying the completion.

export class Deadline {
    private readonly end: number;

    constructor(ms: number) {
        this.end = performance.now() + ms;
    }

    expired(): boolean {
        return performance.now() >= this.end;
    }
}

/** Runs one source under its own deadline; a source that throws contributes nothing and says why. */
export function runSource<T>(
    name: string, budgetMs: number, source: (deadline: Deadline) => T[], onError?: (message: string) => void
): T[] {
    try {
        return source(new Deadline(budgetMs));
    } catch (error) {
        onError?.(`context source ${name} failed: ${(error as Error).message}`);
        return [];
    }
}
