// How many unauthenticated exchange messages a node answers, seals and audits for one sender address:
// each refusal costs a signature and an audit entry, and anyone can send garbage naming a public key
// id. Past the limit a sender gets a plain 429 (no seal, no audit entry) until the next minute;
// authenticated members are never limited by this.

export const REJECTIONS_PER_MINUTE = 60;
const WINDOW_MS = 60_000;
const MAX_TRACKED = 10_000;

export class RejectionLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit = REJECTIONS_PER_MINUTE,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Seconds until `sender`'s current window ends: what a refused sender is told to wait (Retry-After). */
  retryAfterSeconds(sender: string): number {
    const w = this.windows.get(sender);
    return w ? Math.max(1, Math.ceil((w.start + WINDOW_MS - this.clock()) / 1000)) : 1;
  }

  /** Counts one rejection for `sender`; false once it has had its share this minute. */
  allow(sender: string): boolean {
    const now = this.clock();
    let w = this.windows.get(sender);
    if (!w || now - w.start >= WINDOW_MS) {
      if (!w && this.windows.size >= MAX_TRACKED) this.forgetOld(now);
      w = { start: now, count: 0 };
      this.windows.set(sender, w);
    }
    w.count++;
    return w.count <= this.limit;
  }

  private forgetOld(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= WINDOW_MS) this.windows.delete(k);
    // still full of live windows (a spray of addresses): start over rather than grow without bound
    if (this.windows.size >= MAX_TRACKED) this.windows.clear();
  }
}
