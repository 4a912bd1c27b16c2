import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from '@onda/testing';
import { startEmbedded, type Platform } from './platform.js';

export interface BrowserSuite {
  /** The running platform; read it inside tests and hooks, never while the suite is collected. */
  readonly platform: Platform;
  readonly browser: Browser;
}

export interface BrowserSuiteOptions {
  /** How the platform starts (default: embedded). */
  start?: () => Promise<Platform>;
  /** The beforeAll timeout, where a first start may take minutes. */
  timeout?: number;
}

/**
 * Starts the platform, then Chromium, before the suite's tests and closes Chromium, then the platform, after
 * them. Call it at the top of the `describe`: the suite's own afterAll hooks, registered later, run before
 * these (vitest runs after-hooks as a stack), so pages and publishers are gone before Chromium and the platform.
 */
export function platformAndBrowser(options: BrowserSuiteOptions = {}): BrowserSuite {
  const start = options.start ?? startEmbedded;
  let platform: Platform | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    platform = await start();
    browser = await launchChromium();
  }, options.timeout);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  return {
    get platform(): Platform {
      if (!platform) throw new Error('the platform is not started (read it inside a test or hook)');
      return platform;
    },
    get browser(): Browser {
      if (!browser) throw new Error('Chromium is not started (read it inside a test or hook)');
      return browser;
    },
  };
}
