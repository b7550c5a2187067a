import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import type { FerryProcess } from './ferry-process.js';

/** Debian's Chromium (apt-get install -y chromium); a browser is never downloaded. */
const CHROMIUM = '/usr/bin/chromium';
/** Headless, and nothing that reaches for the network this machine does not have. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The `skip` of a browser suite: false, or why it cannot run here. */
export const chromiumMissing: string | false = existsSync(CHROMIUM)
  ? false
  : `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it)`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A browser suite's `after`: the browser closed, then ferry stopped (either may not have started). */
export async function closeBrowserAndFerry(browser: Browser | undefined, ferry: FerryProcess | undefined): Promise<void> {
  await browser?.close();
  if (ferry !== undefined) {
    ferry.child.kill('SIGTERM');
    await ferry.exited;
  }
}
