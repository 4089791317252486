// Pure helpers to keep the zh-CN and en catalogs in step. No DOM, no i18next: importable from
// Node tests and from the Vite config (the web build fails when the catalogs disagree).

export type Catalog = { readonly [key: string]: string | Catalog };

/** Every leaf key of a nested catalog, dot-joined and sorted ("nav.overview", ...). */
export function flattenKeys(catalog: Catalog, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(catalog)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.push(key);
    else out.push(...flattenKeys(v, key));
  }
  return out.sort();
}

/** Keys present in `a` but absent from `b`. `missingKeys(zh, en)` is what English lacks. */
export function missingKeys(a: Catalog, b: Catalog): string[] {
  const have = new Set(flattenKeys(b));
  return flattenKeys(a).filter((k) => !have.has(k));
}

function leaf(catalog: Catalog, key: string): string | undefined {
  let cur: string | Catalog | undefined = catalog;
  for (const part of key.split('.')) {
    if (cur === undefined || typeof cur === 'string') return undefined;
    cur = cur[part];
  }
  return typeof cur === 'string' ? cur : undefined;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1] ?? '').sort();
}

/**
 * Every disagreement between two catalogs, as readable lines: keys missing on either side,
 * empty strings, and translations whose {{placeholders}} differ. Empty array = in step.
 */
export function catalogProblems(a: Catalog, b: Catalog, nameA = 'zh-CN', nameB = 'en'): string[] {
  const problems: string[] = [];
  for (const k of missingKeys(a, b)) problems.push(`${nameB} lacks "${k}"`);
  for (const k of missingKeys(b, a)) problems.push(`${nameA} lacks "${k}"`);
  const bKeys = new Set(flattenKeys(b));
  for (const k of flattenKeys(a)) {
    const va = leaf(a, k) ?? '';
    const vb = leaf(b, k);
    if (va.trim() === '') problems.push(`${nameA} "${k}" is empty`);
    if (!bKeys.has(k) || vb === undefined) continue;
    if (vb.trim() === '') problems.push(`${nameB} "${k}" is empty`);
    const pa = placeholders(va).join(',');
    const pb = placeholders(vb).join(',');
    if (pa !== pb) problems.push(`"${k}" placeholders differ: ${nameA} {${pa}} vs ${nameB} {${pb}}`);
  }
  return problems;
}
