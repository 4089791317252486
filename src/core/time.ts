/** Timestamps are stored as ISO-8601 UTC text everywhere; this is the one place they are made. */
export function nowIso(at: Date = new Date()): string {
  return at.toISOString();
}
