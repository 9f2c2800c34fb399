// "Newest wins" for model loads driven by settings: each apply resolves the settings to load parameters, then
// loads them unless that very load is already done or under way. A newer apply that wants something else
// aborts the older load, and an older apply that settles late (success or failure) is told it was superseded,
// so the adapter shows nothing for it: no error toast, no model cleared while the newer one is loaded.
// No vscode here: the adapter (src/editor/runtimeService.ts) maps outcomes to what the user sees.

export type Resolved<P> = {params: P} | {missing: string};

export type ApplyOutcome<P, T> =
    | {kind: "loaded", params: P, value: T}
    | {kind: "failed", params?: P, error: unknown}
    /** The settings name nothing that can be loaded; any load in flight was cancelled. */
    | {kind: "cleared", missing: string}
    /** The same load is already done or under way; that one reports its own outcome. */
    | {kind: "unchanged"}
    /** A newer apply took over: this one's result must change nothing the user sees. */
    | {kind: "superseded"};

interface Current {
    key: string;
    controller: AbortController;
    settled: boolean;
}

export class NewestLoad<P, T> {
    private applies = 0;
    /** The load the user should see: under way, or done and successful. */
    private current: Current | undefined;

    constructor(private readonly keyOf: (params: P) => string) {}

    /** True while a load is under way. */
    get busy(): boolean { return this.current !== undefined && !this.current.settled; }

    async apply(resolve: () => Promise<Resolved<P>>, load: (params: P, signal: AbortSignal) => Promise<T>): Promise<ApplyOutcome<P, T>> {
        const ticket = ++this.applies;
        let resolved: Resolved<P>;
        try {
            resolved = await resolve();
        } catch (error) {
            return ticket === this.applies ? {kind: "failed", error} : {kind: "superseded"};
        }
        // Settings that changed again while these were resolved: the newer apply decides.
        if (ticket !== this.applies) return {kind: "superseded"};
        if ("missing" in resolved) {
            this.current?.controller.abort();
            this.current = undefined;
            return {kind: "cleared", missing: resolved.missing};
        }
        const params = resolved.params;
        const key = this.keyOf(params);
        if (this.current?.key === key) return {kind: "unchanged"};

        this.current?.controller.abort();
        const mine: Current = {key, controller: new AbortController(), settled: false};
        this.current = mine;
        try {
            const value = await load(params, mine.controller.signal);
            if (this.current !== mine) return {kind: "superseded"};
            mine.settled = true;
            return {kind: "loaded", params, value};
        } catch (error) {
            if (this.current !== mine) return {kind: "superseded"};
            // A failed load is not "done": the same settings may try again.
            this.current = undefined;
            return {kind: "failed", params, error};
        }
    }

    /** The loaded model was lost (a restart could not load it again): the same settings load it afresh next time. */
    forget(): void {
        if (this.current?.settled) this.current = undefined;
    }

    /** Cancels whatever load is under way (shutting down). */
    cancel(): void {
        this.current?.controller.abort();
        this.current = undefined;
        this.applies++;
    }
}
