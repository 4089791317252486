// The verdict shape every identifier validator returns, and the helpers that build its messages.

/** A validator's answer. Validators never throw on bad input; they say what is wrong, in English and Chinese. */
export interface Verdict {
  valid: boolean;
  /** the first problem found, precise enough to fix the input: "check digit is 3, expected X" */
  reason?: string;
  reasonZh?: string;
}

/** Quotes a bad input for a reason message, cut short so a huge input cannot flood a log line. */
export function describe(s: string): string {
  const cut = s.length > 40 ? `${s.slice(0, 40)}…` : s;
  return `"${cut}" (${s.length} characters)`;
}

/** Position words for messages: 1-based, as people count characters. */
export function nth(i: number): string {
  return `character ${i + 1}`;
}
