// The token tax in VS Code: counters kept in globalState (which stays on this machine: Hearth never adds the key
// to Settings Sync), fed from the runtime client's one finished-request event, so completions, chat, refactors and
// the language-model provider are all counted in the same place. The status bar's tooltip and the chat view's
// footer show `summary().text`.
import * as vscode from "vscode";
import type {RequestFeature, RuntimeClient} from "../runtime/client";
import {TokenTax, type TokenTaxSummary} from "../usage/tokenTax";
import type {OutputLog} from "./outputLog";
import {readConfig} from "./settings";

const STORAGE_KEY = "hearth.tokenTax";

export class TokenTaxService implements vscode.Disposable {
    private readonly tax: TokenTax;
    private readonly changed = new vscode.EventEmitter<void>();
    private readonly subscriptions: Array<() => void> = [];
    private readonly configSubscription: vscode.Disposable;
    private price = readConfig().tokenTax.pricePerMillionTokens;
    /** Fires after each counted request and when the price setting changes. */
    readonly onDidChange = this.changed.event;

    constructor(globalState: vscode.Memento, client: RuntimeClient, log: OutputLog) {
        let warned = false;
        this.tax = new TokenTax({
            read: () => globalState.get(STORAGE_KEY),
            write: (state) => globalState.update(STORAGE_KEY, state)
        }, {
            // Losing a count is not worth more than one line in the log.
            onWriteError: (error) => {
                if (!warned) log.warn(`Hearth could not save its token counts: ${error instanceof Error ? error.message : String(error)}`);
                warned = true;
            }
        });
        this.subscriptions.push(
            this.tax.onChange(() => this.changed.fire()),
            // What a cloud API would bill: every prompt token of the request (cached or not) and every generated one.
            client.onRequestFinished(({feature, stats}) => this.record(feature, stats.promptTokens + stats.generatedTokens))
        );
        this.configSubscription = vscode.workspace.onDidChangeConfiguration((event) => {
            if (!event.affectsConfiguration("hearth.tokenTax.pricePerMillionTokens")) return;
            this.price = readConfig().tokenTax.pricePerMillionTokens;
            this.changed.fire();
        });
    }

    record(feature: RequestFeature, tokens: number): void {
        this.tax.record(feature, tokens);
    }

    summary(): TokenTaxSummary {
        return this.tax.summary(this.price);
    }

    dispose(): void {
        for (const unsubscribe of this.subscriptions) unsubscribe();
        this.configSubscription.dispose();
        this.changed.dispose();
    }
}
