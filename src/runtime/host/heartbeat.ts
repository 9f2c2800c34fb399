// While the runtime works on anything, it says so every HEARTBEAT_INTERVAL_MS. The beats come from this
// process's event loop, so a native call that blocks it (a hung load or decode) silences them, and the client
// can tell a slow answer from a hung process. Idle, the runtime sends nothing.
import {HEARTBEAT_INTERVAL_MS} from "../protocol";

export class Heartbeat {
    private timer: NodeJS.Timeout | undefined;

    constructor(
        private readonly beat: (busy: number) => void,
        /** How many loads and requests are in progress. */
        private readonly busy: () => number,
        private readonly intervalMs = HEARTBEAT_INTERVAL_MS
    ) {}

    /** Call whenever work starts or ends: beats while there is some, stops when there is none. */
    update(): void {
        if (this.busy() > 0) {
            if (this.timer !== undefined) return;
            this.timer = setInterval(() => this.beat(this.busy()), this.intervalMs);
            // The IPC channel keeps the process alive, never a heartbeat.
            this.timer.unref();
        } else {
            this.stop();
        }
    }

    stop(): void {
        clearInterval(this.timer);
        this.timer = undefined;
    }
}
