// The csv adapter: a file drop for departments that export files. The file (or the newest file in a
// drop directory) is read whole, decoded (UTF-8, or GBK/GB18030 through TextDecoder), parsed as
// RFC 4180 CSV (quoted fields with delimiters, quotes and line breaks) and indexed in memory by its
// key columns. It is loaded again when it changes (checked at most every reloadCheckMs). A broken
// line is skipped from the index, named by its line number on the adapter's health, and — when its
// key can still be read — a subject on that line gets E_SOURCE_UNAVAILABLE saying so, not a false
// "not found". A file that cannot be read is E_SOURCE_UNAVAILABLE. A file dropped into a directory
// is read only once it has stopped changing (settleSeconds): a copy in progress is not a file yet.

import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { TongbanError, isTongbanError } from '../core/errors.js';
import type { CsvAdapterConfig } from './config.js';
import { SourceHealth, type Clock } from './health.js';
import type { ConfiguredAdapter } from './index.js';
import { CompiledMapping, capFlags, toUtcIso, type MappingOptions } from './values.js';

export interface CsvRecord {
  /** the line the record starts on (1-based; a quoted field can span lines) */
  line: number;
  fields: string[];
  problem?: string;
}

/**
 * Parses CSV text (RFC 4180: "" inside quotes is a quote; quoted fields may hold the delimiter and
 * line breaks; CRLF, LF or CR line ends). Blank lines are skipped. An unterminated quote is reported on
 * the line it starts and parsing resumes on the next line, so one stray quote loses one line, not the
 * rest of the file.
 */
export function parseCsv(text: string, delimiter = ','): CsvRecord[] {
  const out: CsvRecord[] = [];
  const n = text.length;
  const d = delimiter.charCodeAt(0);
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  outer: while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let problem: string | undefined;
    for (;;) {
      let field: string;
      if (text.charCodeAt(i) === 34 /* " */) {
        const quoteAt = i;
        const quoteLine = line;
        i++;
        let buf = '';
        let closed = false;
        let from = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === 34) {
            buf += text.slice(from, i);
            if (text.charCodeAt(i + 1) === 34) {
              buf += '"';
              i += 2;
              from = i;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) line++;
          i++;
        }
        if (!closed) {
          out.push({ line: startLine, fields, problem: `unterminated quoted field (the quote opens on line ${quoteLine})` });
          // resume after the line the quote opened on
          let j = quoteAt;
          while (j < n && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
          if (text.charCodeAt(j) === 13 && text.charCodeAt(j + 1) === 10) j++;
          i = j + 1;
          line = quoteLine + 1;
          continue outer;
        }
        field = buf;
        if (i < n && text.charCodeAt(i) !== d && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) {
          problem ??= `text after a closing quote in field ${fields.length + 1}`;
          let j = i;
          while (j < n && text.charCodeAt(j) !== d && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
          field += text.slice(i, j);
          i = j;
        }
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === d || c === 10 || c === 13) break;
          j++;
        }
        field = text.slice(i, j);
        i = j;
      }
      fields.push(field);
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === d) {
        i++;
        if (i >= n) {
          fields.push('');
          break;
        }
        continue;
      }
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      line++;
      break;
    }
    if (fields.length === 1 && fields[0]!.trim() === '' && !problem) continue;
    out.push(problem ? { line: startLine, fields, problem } : { line: startLine, fields });
  }
  return out;
}

export interface CsvAdapterContext extends MappingOptions {
  clock: Clock;
  label: string;
  /** relative paths resolve against this */
  baseDir: string;
  /** when given, files must lie under one of these directories */
  fileRoots?: readonly string[];
}

interface Loaded {
  file: string;
  signature: string;
  mtime: Date;
  columns: Map<string, number>;
  rows: string[][];
  /** per key column: value → row index (or indexes when several rows share it) */
  index: Array<Map<string, number | number[]>>;
  /** key value → the broken line that seems to hold it */
  brokenKeys: Map<string, { line: number; reason: string }>;
  /** mapped columns the file does not have */
  missing: Set<string>;
}

const MAX_LISTED_BROKEN = 20;
/** a dropped file unchanged this long is taken to be complete */
const DEFAULT_SETTLE_SECONDS = 10;

export function csvAdapter(cfg: CsvAdapterConfig, ctx: CsvAdapterContext): ConfiguredAdapter {
  const mapping = new CompiledMapping(cfg.fields, cfg.dataTime, ctx);
  const health = new SourceHealth('csv', ctx.label, ctx.clock);
  const delimiter = cfg.delimiter ?? ',';
  const encoding = cfg.encoding ?? 'utf-8';
  const reloadCheckMs = cfg.reloadCheckMs ?? 2000;
  const settleMs = (cfg.settleSeconds ?? DEFAULT_SETTLE_SECONDS) * 1000;
  const roots = ctx.fileRoots?.map((r) => resolve(r));
  let loaded: Loaded | undefined;
  let checkedAt = -Infinity;
  let pending: Promise<Loaded> | undefined;
  health.source = { file: cfg.path ?? join(cfg.directory!, cfg.pattern ?? '*.csv'), encoding, rows: null, loadedAt: null };

  const unavailable = (reason: string) => new TongbanError('E_SOURCE_UNAVAILABLE', `${ctx.label}: ${reason}`);

  /** The file to read now: the configured one, or the newest match in the drop directory. */
  const locate = async (): Promise<{ file: string; signature: string; mtime: Date }> => {
    let file: string;
    if (cfg.path !== undefined) {
      file = isAbsolute(cfg.path) ? cfg.path : resolve(ctx.baseDir, cfg.path);
    } else {
      const dir = isAbsolute(cfg.directory!) ? cfg.directory! : resolve(ctx.baseDir, cfg.directory!);
      const re = globToRegExp(cfg.pattern ?? '*.csv');
      let names: string[];
      try {
        names = (await readdir(dir)).filter((n) => re.test(n));
      } catch (e) {
        throw unavailable(`the drop directory cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      // file times are wall-clock times, whatever clock the adapter is given
      const wall = Date.now();
      let best: { file: string; mtimeMs: number } | undefined;
      let settling: { name: string; mtimeMs: number } | undefined;
      for (const name of names) {
        const s = await stat(join(dir, name)).catch(() => undefined);
        if (!s?.isFile()) continue;
        if (wall - s.mtimeMs < settleMs) {
          if (!settling || s.mtimeMs > settling.mtimeMs) settling = { name, mtimeMs: s.mtimeMs };
          continue;
        }
        if (!best || s.mtimeMs > best.mtimeMs || (s.mtimeMs === best.mtimeMs && join(dir, name) > best.file)) best = { file: join(dir, name), mtimeMs: s.mtimeMs };
      }
      if (settling) health.source.settling = settling.name;
      else delete health.source.settling;
      if (!best) {
        throw unavailable(settling
          ? `${settling.name} is still being written (changed ${Math.max(0, Math.round((wall - settling.mtimeMs) / 1000))} s ago; read once unchanged for ${settleMs / 1000} s) and no earlier file matches ${cfg.pattern ?? '*.csv'}`
          : `no file matching ${cfg.pattern ?? '*.csv'} in the drop directory`);
      }
      file = best.file;
    }
    let s;
    try {
      s = await stat(file);
    } catch (e) {
      throw unavailable(`${basename(file)} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    if (!s.isFile()) throw unavailable(`${basename(file)} is not a file`);
    if (roots) {
      const real = await realpath(file);
      if (!roots.some((r) => !relative(r, real).startsWith('..') && !isAbsolute(relative(r, real)))) {
        throw unavailable(`${basename(file)} is outside the directories adapters may read (adapters.fileRoots)`);
      }
    }
    return { file, signature: `${file}|${s.ino}|${s.size}|${s.mtimeMs}`, mtime: s.mtime };
  };

  const load = async (where: { file: string; signature: string; mtime: Date }): Promise<Loaded> => {
    let bytes: Buffer;
    try {
      bytes = await readFile(where.file);
    } catch (e) {
      throw unavailable(`${basename(where.file)} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const name = basename(where.file);
    const text = new TextDecoder(encoding).decode(bytes);
    const records = parseCsv(text, delimiter);
    const header = cfg.header === false ? undefined : records.shift();
    const names = cfg.columns ?? header?.fields.map((h) => h.trim()) ?? [];
    if (header?.problem) throw unavailable(`${name}: the header line is broken (${header.problem})`);
    const columns = new Map<string, number>();
    const quality: string[] = [];
    names.forEach((c, i) => {
      if (columns.has(c)) quality.push(`${name}: column ${c} appears twice; the first is used`);
      else columns.set(c, i);
    });
    const keyIdx = cfg.keys.map((k) => columns.get(k));
    const missingKey = cfg.keys.filter((_, i) => keyIdx[i] === undefined);
    if (missingKey.length) throw unavailable(`${name} has no column ${missingKey.join(', ')} (key)`);
    const needed = new Set([...mapping.refsFor(mapping.names()), ...(cfg.latestBy ? [cfg.latestBy] : [])]);
    const missing = new Set([...needed].filter((c) => !columns.has(c)));
    for (const c of missing) quality.push(`${name}: column ${c} is not in the file`);

    const rows: string[][] = [];
    const index = cfg.keys.map(() => new Map<string, number | number[]>());
    const brokenKeys = new Map<string, { line: number; reason: string }>();
    const broken: string[] = [];
    let brokenCount = 0;
    const width = names.length;
    for (const r of records) {
      let reason = r.problem;
      if (!reason && r.fields.length !== width) reason = `${r.fields.length} fields, expected ${width}`;
      if (!reason && r.fields.some((f) => f.includes('\uFFFD'))) reason = `bytes that are not valid ${encoding.toUpperCase()}`;
      const keys = keyIdx.map((k) => (r.fields[k!] ?? '').trim());
      if (!reason && keys.every((k) => k === '')) reason = `the key (${cfg.keys.join(', ')}) is empty`;
      if (reason) {
        brokenCount++;
        if (broken.length < MAX_LISTED_BROKEN) broken.push(`${name} line ${r.line}: ${reason}`);
        for (const k of keys) if (k) brokenKeys.set(k, { line: r.line, reason });
        continue;
      }
      const at = rows.push(r.fields) - 1;
      keys.forEach((k, i) => {
        if (!k) return;
        const m = index[i]!;
        const prev = m.get(k);
        m.set(k, prev === undefined ? at : Array.isArray(prev) ? [...prev, at] : [prev, at]);
      });
    }
    if (brokenCount > broken.length) broken.push(`${name}: … and ${brokenCount - broken.length} more broken lines`);
    health.quality = [...quality, ...broken];
    const settling = health.source.settling;
    health.source = { file: name, encoding, rows: rows.length, brokenLines: brokenCount, loadedAt: new Date(ctx.clock()).toISOString(), fileTime: where.mtime.toISOString(), ...(settling ? { settling } : {}) };
    return { file: where.file, signature: where.signature, mtime: where.mtime, columns, rows, index, brokenKeys, missing };
  };

  /** The current index, reloaded when the file changed. */
  const current = async (): Promise<Loaded> => {
    if (pending) return pending;
    if (loaded && ctx.clock() - checkedAt < reloadCheckMs) return loaded;
    pending = (async () => {
      try {
        const where = await locate();
        if (!loaded || loaded.signature !== where.signature) loaded = await load(where);
        checkedAt = ctx.clock();
        return loaded;
      } catch (e) {
        loaded = undefined;
        checkedAt = -Infinity;
        if (isTongbanError(e)) health.noteError(e.detail ?? e.code);
        throw e;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };

  return {
    kind: 'csv',
    health: () => health.snapshot(),
    close: async () => {
      loaded = undefined;
    },
    async fetch(subjectId, fields) {
      mapping.refsFor(fields);
      return health.run(async () => {
        const data = await current();
        const key = subjectId.trim();
        const hits = new Map<number, string>(); // row → key column it matched
        data.index.forEach((m, i) => {
          const v = m.get(key);
          for (const row of v === undefined ? [] : Array.isArray(v) ? v : [v]) if (!hits.has(row)) hits.set(row, cfg.keys[i]!);
        });
        const name = basename(data.file);
        const brokenLine = data.brokenKeys.get(key);
        if (hits.size === 0) {
          if (brokenLine) throw unavailable(`the subject's line ${brokenLine.line} in ${name} is broken (${brokenLine.reason})`);
          throw new TongbanError('E_SUBJECT_NOT_FOUND');
        }
        let chosen: number;
        if (hits.size > 1) {
          if (!cfg.latestBy) throw new TongbanError('E_AMBIGUOUS_SUBJECT', `${hits.size} lines of ${name} match the subject`);
          const col = data.columns.get(cfg.latestBy);
          const order = (row: number) => {
            const raw = col === undefined ? '' : (data.rows[row]![col] ?? '');
            return toUtcIso(raw) ?? raw;
          };
          chosen = [...hits.keys()].reduce((a, b) => (order(b) > order(a) ? b : a));
        } else {
          chosen = hits.keys().next().value!;
        }
        const row = data.rows[chosen]!;
        const view = {
          get: (col: string) => {
            const i = data.columns.get(col);
            return i === undefined ? null : row[i];
          },
          matchedKey: hits.get(chosen),
        };
        const { values, quality } = mapping.read(view, subjectId, fields);
        if (data.missing.size) {
          for (const f of fields) for (const c of mapping.refsOfField(f)) if (data.missing.has(c)) quality.push(`${f}: column ${c} is not in ${name}`);
        }
        const t = mapping.dataTime(view, subjectId);
        if (t?.flag) quality.push(t.flag);
        if (brokenLine) quality.push(`record: line ${brokenLine.line} of ${name} also seems to hold this subject but is broken (${brokenLine.reason})`);
        // without a mapped data time, the file's own time says how fresh the export is
        return { values, dataTime: t?.iso ?? (t ? new Date(0).toISOString() : data.mtime.toISOString()), quality: capFlags(quality) };
      });
    },
  };
}

/** `hukou_*.csv` → a RegExp; only * and ? are special. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}
