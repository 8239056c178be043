import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, installed by `npm run setup`. */
export const CHROMIUM = '/usr/bin/chromium';

/** Where tests write screenshots for people to look at (git-ignored). */
export const ARTIFACTS = resolve(__dirname, '../artifacts');

/** A page opened in headless Chromium, with what it logged and requested. */
export interface OpenedPage {
  readonly page: Page;
  /** Console messages of type error or warning, and uncaught page errors. */
  readonly problems: string[];
  /** Every URL the page requested, the page itself included. */
  readonly requests: string[];
  /** Writes a full-page screenshot to `ARTIFACTS/name`; returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** Opens a local HTML file in Debian's headless Chromium with a fresh profile and no background networking. */
export async function openInChromium(file: string, viewport = { width: 1280, height: 900 }): Promise<OpenedPage> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run npm run setup (it installs the Debian package chromium)`);
  const profileDir = mkdtempSync(join(tmpdir(), 'modelsight-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  } catch (error) {
    rmSync(profileDir, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => requests.push(request.url()));
  const close = async () => {
    await context.close();
    rmSync(profileDir, { recursive: true, force: true });
  };
  try {
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  } catch (error) {
    // The caller gets no page to close: the browser must not outlive the test.
    await close();
    throw error;
  }
  return {
    page,
    problems,
    requests,
    async screenshot(name) {
      mkdirSync(ARTIFACTS, { recursive: true });
      const path = join(ARTIFACTS, name);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close,
  };
}
