// The catalogue's validation problems on the client: each names the path of a member of the request
// body (`materials[0].satisfiedBy.resource`). Pure, no imports: the forms and the tests use it as it is.

export interface Problem {
  path: string;
  message: string;
  messageZh: string;
}

/** The value at a problem's path (`materials[0].satisfiedBy.resource`) in a request body; undefined if absent. */
export function valueAt(body: unknown, path: string): unknown {
  let v: unknown = body;
  for (const seg of path.match(/[^.[\]]+|\[\d+\]/g) ?? []) {
    if (v === null || typeof v !== 'object') return undefined;
    v = seg.startsWith('[') ? (v as unknown[])[Number(seg.slice(1, -1))] : (v as Record<string, unknown>)[seg];
  }
  return v;
}

/**
 * The problems of the last save that still stand: a problem goes once the value it names differs from
 * what was sent (the user changed it), and comes back if the value is set back. Problems of the entry
 * as a whole (path '') stay until the next save.
 */
export function standingProblems(problems: Problem[], sent: unknown, now: unknown): Problem[] {
  return problems.filter((p) => p.path === '' || JSON.stringify(valueAt(sent, p.path)) === JSON.stringify(valueAt(now, p.path)));
}
