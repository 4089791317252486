// Debian's Chromium through playwright-core, with the flags this closed network needs.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const SHOTS = join(process.cwd(), 'test-results');

export function launchChromium(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}
