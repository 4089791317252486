// The source status page keeps its own copy of an adapter's health record (sourceState.ts, which the
// Node tests import as it is). This holds the copy to the server's shape at compile time: a field the
// server renames or drops fails `npm run typecheck` here. (Nothing here reaches the bundle.)
import type { AdapterHealth as ServerHealth, BreakerState as ServerBreaker } from '../../adapters/health-types';
import type { AdapterHealth as ConsoleHealth, BreakerState as ConsoleBreaker } from './sourceState';

/** compiles only when T is true */
type Assert<T extends true> = T;
type Readable<ServerShape, ConsoleShape> = [ServerShape] extends [ConsoleShape] ? true : false;

export type Agreement = [Assert<Readable<ServerHealth, ConsoleHealth>>, Assert<Readable<ServerBreaker, ConsoleBreaker>>];
