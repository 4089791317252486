// Text rules of unified search (统一搜索), pure: how indexed text and queries are normalised, how a
// query splits into terms, the gram words that make 1–2 character queries indexable, and highlights.
//
// Both engines index with trigrams (SQLite FTS5 `trigram`, PostgreSQL `pg_trgm`). A term of three or
// more characters is a substring of the indexed text; a term of one or two characters is too short
// for a trigram, so every entry also carries a *gram column*: each distinct character and each
// distinct pair of adjacent characters of its text, as space-separated words with a space at both
// ends (" 户 口 户口 … "). A short term then becomes the ≥3-character pattern " 户口 ", which the
// same trigram index finds.

/** Characters that separate terms (and runs, for grams): everything that is not a letter, digit or mark. */
const SEPARATOR = /[^\p{L}\p{N}\p{M}]+/u;
// eslint-disable-next-line no-control-regex -- control characters are what it removes
export const CONTROL = /[\u0000-\u001f\u007f]/g;

export const MAX_QUERY_LENGTH = 100;
export const MAX_TERMS = 8;
/** Terms shorter than this are matched through the gram column. */
export const TRIGRAM_MIN = 3;

/** NFKC (full-width → half-width, compatibility forms), lower case, whitespace collapsed, no control characters. */
export function normalizeText(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
}

export interface ParsedQuery {
  /** the whole query, normalised (compared with names for the exact-match rank) */
  text: string;
  /** distinct terms, every one of which must match (AND) */
  terms: string[];
}

/** Splits a query into terms on whitespace and punctuation. An empty result means "browse, no text". */
export function parseQuery(q: string | undefined): ParsedQuery {
  const text = normalizeText((q ?? '').slice(0, MAX_QUERY_LENGTH));
  const terms: string[] = [];
  for (const t of text.split(SEPARATOR)) {
    if (t && !terms.includes(t)) terms.push(t);
    if (terms.length === MAX_TERMS) break;
  }
  // a term contained in another adds nothing under AND
  const kept = terms.filter((t) => !terms.some((o) => o !== t && o.includes(t)));
  return { text, terms: kept };
}

/** The gram column of a normalised text: " a b ab … " — each distinct character and adjacent pair within a run. */
export function gramWords(normalized: string): string {
  const seen = new Set<string>();
  for (const run of normalized.split(SEPARATOR)) {
    const chars = Array.from(run);
    for (let i = 0; i < chars.length; i++) {
      seen.add(chars[i]!);
      if (i + 1 < chars.length) seen.add(chars[i]! + chars[i + 1]!);
    }
  }
  return seen.size ? ` ${[...seen].join(' ')} ` : '';
}

/** Length in characters (code points), the unit the trigram rule counts. */
export function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Escapes a string for LIKE … ESCAPE '\'. */
export function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** An FTS5 string literal (double quotes doubled). */
export function ftsString(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

export type { Highlight } from './types.js';
import type { Highlight } from './types.js';

/**
 * Where the terms occur in each field's text (case- and width-insensitive as the search is). Long texts
 * are cut to a window around the first match. Fields without a match are left out.
 */
export function highlightFields(fields: Array<{ field: string; text: string | null | undefined }>, terms: string[], window = 60): Highlight[] {
  if (terms.length === 0) return [];
  const out: Highlight[] = [];
  for (const { field, text } of fields) {
    if (!text) continue;
    const h = highlightOne(text, terms, window);
    if (h) out.push({ field, ...h });
  }
  return out;
}

function highlightOne(original: string, terms: string[], window: number): { text: string; ranges: Array<[number, number]> } | undefined {
  // Normalise per character so offsets map back to the original text.
  const map: number[] = [];
  let norm = '';
  let i = 0;
  for (const ch of original) {
    const n = ch.normalize('NFKC').toLowerCase();
    for (let k = 0; k < n.length; k++) map.push(i);
    norm += n;
    i += ch.length;
  }
  map.push(original.length);
  const raw: Array<[number, number]> = [];
  for (const t of terms) {
    let from = 0;
    for (;;) {
      const at = norm.indexOf(t, from);
      if (at < 0) break;
      raw.push([map[at]!, map[at + t.length] ?? original.length]);
      from = at + t.length;
    }
  }
  if (raw.length === 0) return undefined;
  raw.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: Array<[number, number]> = [];
  for (const r of raw) {
    const last = merged.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  if (original.length <= window * 2) return { text: original, ranges: merged };
  const start = Math.max(0, merged[0]![0] - Math.floor(window / 2));
  const end = Math.min(original.length, start + window * 2);
  const prefix = start > 0 ? '…' : '';
  const suffix = end < original.length ? '…' : '';
  const shift = prefix.length - start;
  const ranges = merged.filter(([s, e]) => s >= start && e <= end).map(([s, e]): [number, number] => [s + shift, e + shift]);
  return { text: prefix + original.slice(start, end) + suffix, ranges };
}
