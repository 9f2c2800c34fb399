// Line-level diff (Myers' O(ND) algorithm) between two texts, as the hunks that changed. Re-basing an edit onto a
// document the user changed meanwhile needs to know which lines each change touched, even when there are several.

/** Lines [aStart, aEnd) of the old text were replaced by lines [bStart, bEnd) of the new one. */
export interface LineHunk {
    aStart: number;
    aEnd: number;
    bStart: number;
    bEnd: number;
}

/**
 * The changed line ranges from `a` to `b`, in order, or undefined when more than `maxEdits` lines differ (the texts
 * are too far apart to trust any mapping between them; and the search stays bounded on big files).
 */
export function diffLines(a: readonly string[], b: readonly string[], maxEdits = 4000): LineHunk[] | undefined {
    // Common head and tail first: an edit usually touches a few lines of a long file.
    let head = 0;
    while (head < a.length && head < b.length && a[head] === b[head]) head++;
    let tail = 0;
    while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
    const n = a.length - head - tail, m = b.length - head - tail;
    if (n === 0 && m === 0) return [];
    if (n === 0 || m === 0) return [{aStart: head, aEnd: head + n, bStart: head, bEnd: head + m}];
    const path = myers(a, b, head, n, m, maxEdits);
    if (!path) return undefined;
    // Walk the matched pairs; the gaps between them are hunks.
    const hunks: LineHunk[] = [];
    let i = 0, j = 0;
    for (const [x, y] of [...path, [n, m] as const]) {
        if (x > i || y > j) hunks.push({aStart: head + i, aEnd: head + x, bStart: head + j, bEnd: head + y});
        i = x + 1;
        j = y + 1;
    }
    return hunks;
}

/** Matched (x, y) pairs, relative to `offset`, of a shortest edit script; undefined past `maxEdits`. */
function myers(a: readonly string[], b: readonly string[], offset: number, n: number, m: number, maxEdits: number): Array<readonly [number, number]> | undefined {
    const max = Math.min(n + m, maxEdits);
    const size = 2 * max + 1;
    let v = new Int32Array(size);
    const trace: Int32Array[] = [];
    const same = (x: number, y: number) => a[offset + x] === b[offset + y];
    for (let d = 0; d <= max; d++) {
        trace.push(v.slice());
        const next = v.slice();
        for (let k = -d; k <= d; k += 2) {
            let x = k === -d || (k !== d && v[max + k - 1] < v[max + k + 1]) ? v[max + k + 1] : v[max + k - 1] + 1;
            let y = x - k;
            while (x < n && y < m && same(x, y)) { x++; y++; }
            next[max + k] = x;
            if (x >= n && y >= m) return backtrack(trace, next, d, k, max);
        }
        v = next;
    }
    return undefined;
}

function backtrack(trace: Int32Array[], last: Int32Array, d: number, k: number, max: number): Array<readonly [number, number]> {
    const pairs: Array<readonly [number, number]> = [];
    let x = last[max + k], y = x - k;
    for (let step = d; step > 0; step--) {
        const v = trace[step];
        const prevK = k === -step || (k !== step && v[max + k - 1] < v[max + k + 1]) ? k + 1 : k - 1;
        const prevX = v[max + prevK], prevY = prevX - prevK;
        // The snake after the step's one insertion or deletion: matched lines.
        while (x > prevX && y > prevY) { x--; y--; pairs.push([x, y]); }
        x = prevX; y = prevY; k = prevK;
    }
    while (x > 0 && y > 0) { x--; y--; pairs.push([x, y]); }
    return pairs.reverse();
}
