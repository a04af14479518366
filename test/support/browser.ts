import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium: playwright-core cannot download browsers here, and .ci/run installs this one. */
export const CHROMIUM = '/usr/bin/chromium';

/** Outside CI a machine without Chromium skips browser tests; in CI a missing browser fails them. */
export const skipBrowser = !existsSync(CHROMIUM) && !process.env.CI;

/** Headless, as root, and quiet on a closed network (no background connections, no component updates). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
