import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export interface ChromiumOptions {
  /** Never throttle a page that is not in front (benchmarks run two players side by side). */
  unthrottledBackground?: boolean;
}

/** Debian's Chromium (CHROMIUM_PATH overrides), headless; plays H.264 HLS through hls.js. Never a downloaded browser. */
export async function launchChromium(options: ChromiumOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
      ...(options.unthrottledBackground
        ? ['--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows']
        : []),
    ],
  });
}

/** Saves `dir/name.png` when `dir` is set (each suite reads its own *_SHOTS_DIR variable); does nothing otherwise. */
export async function screenshot(page: Page, dir: string | undefined, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), ...(opts.fullPage ? { fullPage: true } : {}) });
}
