// What the user is told when the runtime process crashes or hangs: one notice per episode (the crashes between
// two healthy periods), and one plain error when the client gives up. No vscode; the adapter shows it.
import type {CrashInfo} from "./client";

export interface CrashNotice {
    severity: "warning" | "error";
    text: string;
    /** Offer a "Restart" button: nothing restarts on its own any more. */
    offerRestart: boolean;
}

export function crashNotice(crash: CrashInfo): CrashNotice | undefined {
    const hung = crash.hungForMs !== undefined ? `stopped responding for ${Math.round(crash.hungForMs / 1000)} s while working` : undefined;
    if (!crash.willRestart) {
        return {
            severity: "error",
            text: hung
                ? `Hearth's model runtime ${hung} and, after repeated failures, was not restarted.`
                : "Hearth's model runtime keeps stopping and was not restarted.",
            offerRestart: true
        };
    }
    if (crash.episodeCrashes > 1) return undefined;
    return {
        severity: "warning",
        text: `Hearth's model runtime ${hung ? `${hung}; it was restarted` : "stopped unexpectedly and is restarting"}. Requests in progress were cancelled; nothing was applied.`,
        offerRestart: false
    };
}
