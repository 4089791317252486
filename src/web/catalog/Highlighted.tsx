// Text with the search's matches marked: ranges are [start, end) in UTF-16 code units of `text`.
import type { ReactNode } from 'react';

export function Highlighted({ text, ranges }: { text: string; ranges?: ReadonlyArray<readonly [number, number]> }) {
  if (!ranges || ranges.length === 0) return <>{text}</>;
  const parts: ReactNode[] = [];
  let at = 0;
  const sorted = [...ranges].filter(([s, e]) => e > s && s >= 0 && e <= text.length).sort((a, b) => a[0] - b[0]);
  for (const [s, e] of sorted) {
    if (s < at) continue;
    if (s > at) parts.push(text.slice(at, s));
    parts.push(<mark key={s}>{text.slice(s, e)}</mark>);
    at = e;
  }
  if (at < text.length) parts.push(text.slice(at));
  return <>{parts}</>;
}
