// What a directory search answers (GET /api/directory/search), as types only with no runtime imports,
// so the web console can be checked against them at compile time (src/web/catalog/model-agreement.ts).
import type { CatalogKind, CrossMode, SharingType } from '../catalog/model.js';

export interface Highlight {
  field: string;
  text: string;
  /** [start, end) offsets in UTF-16 code units of `text`, sorted, not overlapping */
  ranges: Array<[number, number]>;
}

export interface SearchHit {
  kind: CatalogKind;
  region: { code: string; name: string };
  id: string;
  name: string;
  summary?: string;
  department: string;
  sharing?: SharingType;
  modes?: CrossMode[];
  highlights?: Highlight[];
}

export interface SearchResult {
  total: number;
  page: number;
  pageSize: number;
  hits: SearchHit[];
}
