// Worker thread entry: seeds one region's synthetic registries and reports progress to the parent.
import { parentPort, workerData } from 'node:worker_threads';
import { isTongbanError } from '../core/errors.js';
import { seedRegistries } from './registries/index.js';

const job = workerData as { url: string; regionCode: string; citizens: number; seed: string; federation: string[] };
let last = 0;
try {
  await seedRegistries(job.url, {
    regionCode: job.regionCode,
    citizens: job.citizens,
    seed: job.seed,
    federation: job.federation,
    onProgress: (p) => {
      const now = Date.now();
      if (now - last >= 100 || p.done === p.total) {
        last = now;
        parentPort?.postMessage({ type: 'progress', ...p });
      }
    },
  });
} catch (e) {
  parentPort?.postMessage({ type: 'error', message: (e as Error).message, ...(isTongbanError(e) ? { code: e.code, message: e.detail ?? e.message } : {}) });
  process.exitCode = 1;
}
