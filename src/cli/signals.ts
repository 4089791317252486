import type { RunningServer } from '../server/start.js';

/**
 * Keeps servers running until SIGINT/SIGTERM, then closes them; a second signal forces exit. The
 * handlers are installed when this is called, so call it before announcing readiness.
 */
export async function runUntilSignal(servers: RunningServer[], onStopping?: () => void): Promise<void> {
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        console.error(`\n${signal} again: exiting now`);
        process.exit(130);
      }
      stopping = true;
      onStopping?.();
      Promise.all(servers.map((s) => s.close().catch((e: Error) => console.error(`close failed: ${e.message}`)))).then(() => resolve());
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}

