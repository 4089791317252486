// Hot queries built once. Kysely builds and compiles a query on every call, which for an insert of
// one audit entry costs about as much as SQLite takes to run it. A prepared query is compiled once
// with marker values in place of its parameters; each call reuses the SQL (and, on SQLite, the
// statement cache keyed by it) and only fills the parameters. The CompiledQuery runs on any Kysely
// instance of the same dialect, transactions included: `tx.executeQuery(q(values))`.

import type { Compilable, CompiledQuery } from 'kysely';

const OPEN = '\u0000tongban-param:';
const CLOSE = '\u0000';

/** The marker a parameter is compiled with; it never reaches a database. */
function marker(name: string): string {
  return `${OPEN}${name}${CLOSE}`;
}

function markedName(p: unknown): string | undefined {
  return typeof p === 'string' && p.startsWith(OPEN) && p.endsWith(CLOSE) ? p.slice(OPEN.length, -CLOSE.length) : undefined;
}

/** What a prepared query's builder receives: `param('name')` wherever a value goes. */
export type Param<N extends string> = (name: N) => string;

/**
 * A query of fixed shape: `build` receives `param(name)` to use wherever a value goes, and the result
 * is called with the values by name. Values that are not markers (constants of the query) are kept.
 */
export function prepareQuery<N extends string, R = unknown>(build: (param: Param<N>) => Compilable<R>): (values: Record<N, unknown>) => CompiledQuery<R> {
  let prepared: { compiled: CompiledQuery<R>; slots: Array<N | undefined> } | undefined;
  return (values) => {
    // compiled on first use, so that `build` may reference what its owner sets up in its constructor
    prepared ??= (() => {
      const compiled = build(marker).compile();
      return { compiled, slots: compiled.parameters.map((p) => markedName(p) as N | undefined) };
    })();
    const { compiled, slots } = prepared;
    return { ...compiled, parameters: slots.map((name, i) => (name === undefined ? compiled.parameters[i] : bind(values[name]))) };
  };
}

/**
 * A multi-row statement (an INSERT of n rows): compiled once per row count, up to `maxShapes` counts.
 * `build` receives n rows whose every column holds a marker; the result is called with the real rows,
 * which must carry the same columns (a missing one binds NULL).
 */
export function prepareRows<Row extends object, R = unknown>(
  columns: ReadonlyArray<keyof Row & string>,
  build: (rows: Row[]) => Compilable<R>,
  maxShapes = 64,
): (rows: readonly Row[]) => CompiledQuery<R> {
  const shapes = new Map<number, { compiled: CompiledQuery<R>; slots: Array<[number, keyof Row & string] | undefined> }>();
  const shapeFor = (n: number) => {
    let shape = shapes.get(n);
    if (shape) return shape;
    const marked = Array.from({ length: n }, (_, r) => Object.fromEntries(columns.map((c) => [c, marker(`${r}\u0001${c}`)])) as Row);
    const compiled = build(marked).compile();
    const slots = compiled.parameters.map((p) => {
      const name = markedName(p);
      if (name === undefined) return undefined;
      const [r, c] = name.split('\u0001') as [string, keyof Row & string];
      return [Number(r), c] as [number, keyof Row & string];
    });
    shape = { compiled, slots };
    if (shapes.size < maxShapes) shapes.set(n, shape);
    return shape;
  };
  return (rows) => {
    const { compiled, slots } = shapeFor(rows.length);
    return { ...compiled, parameters: slots.map((s, i) => (s === undefined ? compiled.parameters[i] : bind(rows[s[0]]![s[1]]))) };
  };
}

/** undefined is not a value a driver binds: it means "absent", which a fixed statement writes as NULL. */
function bind(v: unknown): unknown {
  return v === undefined ? null : v;
}
