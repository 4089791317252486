// The source status page keeps its own copy of a source's status and health record (sourceState.ts, which the
// Node tests import as it is). This holds the copy to the server's shape at compile time: a field the
// server renames or drops fails `npm run typecheck` here. (Nothing here reaches the bundle.)
import type { AdapterHealth as ServerHealth, BreakerState as ServerBreaker, SourceStatus as ServerSource } from '../../adapters/health-types';
import type { AdapterHealth as ConsoleHealth, BreakerState as ConsoleBreaker, SourceStatus as ConsoleSource } from './sourceState';

/** compiles only when T is true */
type Assert<T extends true> = T;
type Readable<ServerShape, ConsoleShape> = [ServerShape] extends [ConsoleShape] ? true : false;

export type Agreement = [
  Assert<Readable<ServerHealth, ConsoleHealth>>,
  Assert<Readable<ServerBreaker, ConsoleBreaker>>,
  Assert<Readable<ServerSource, ConsoleSource>>,
];
