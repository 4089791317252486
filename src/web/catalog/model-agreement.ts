// The console keeps its own copy of the catalogue's shapes (src/web/catalog/api.ts) so that the
// browser bundle carries no server code. This file holds that copy to the server's model at compile
// time: what the server stores must be readable as the console's type, and what the console sends
// must be a valid input shape. Drift fails `npm run typecheck` here instead of showing up as a blank
// field in a browser. (Nothing here reaches the bundle: no module imports it.)
import type * as Server from '../../catalog/model';
import type * as ServerSearch from '../../search/types';
import type * as Console from './api';

/** compiles only when T is true */
type Assert<T extends true> = T;
type Readable<ServerShape, ConsoleShape> = [ServerShape] extends [ConsoleShape] ? true : false;

export type Agreement = [
  Assert<Readable<Server.DataResource, Console.ResourceDoc>>,
  Assert<Readable<Server.CertificateType, Console.CertificateTypeDoc>>,
  Assert<Readable<Server.ServiceItem, Console.ItemDoc>>,
  Assert<Readable<Server.Material, Console.Material>>,
  Assert<Readable<Server.ResourceField, Console.ResourceField>>,
  // what the console edits and sends is what the server's model holds
  Assert<Readable<Console.ResourceInput, Omit<Server.DataResource, 'version' | 'status' | 'updatedAt' | 'updatedBy' | 'publishedAt'>>>,
  Assert<Readable<Console.ItemInput, Omit<Server.ServiceItem, 'version' | 'status' | 'updatedAt' | 'updatedBy' | 'publishedAt' | 'codeKind' | 'pending' | 'origin'>>>,
  Assert<Readable<Server.EntryStatus, Console.EntryStatus>>,
  Assert<Readable<Server.CrossMode, Console.CrossMode>>,
  Assert<Readable<Server.SharingMethod, Console.SharingMethod>>,
  Assert<Readable<Server.UpdateCycle, Console.UpdateCycle>>,
  Assert<Readable<Server.DataGrade, Console.DataGrade>>,
  // what a directory search answers (the console uses the server's SearchHit itself)
  Assert<Readable<ServerSearch.SearchResult['hits'], Console.SearchResponse['hits']>>,
];
