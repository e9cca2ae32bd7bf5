import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  WORKSPACE,
  allAtOnce,
  freePort,
  oneAfterAnother,
  spawnProcess,
  waitForOutput,
  type FinishedSpan,
  type SpawnedProcess,
} from '@switchyard/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The comparison page in a real browser: Debian's Chromium (`apt-get install chromium`), driven
// by playwright-core, against the real thing: `npm start`'s own entry point with its apps, its
// stand-ins and the page. With CI=true a missing Chromium fails the suite; elsewhere it is
// skipped with the reason.
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const missing = existsSync(CHROMIUM)
  ? undefined
  : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
/** The fan-out's K here: not npm start's 5, so the run restarts both apps with it first. */
const K = 4;
const SCREENSHOT =
  process.env['UPDATE_SCREENSHOT'] === '1'
    ? path.join(WORKSPACE, 'docs/images/compare-page.png')
    : undefined;

/** A waterfall's upstream rows as spans, for the shared structure checks (libs/testing). */
function asSpans(rows: Array<{ start: number; end: number }>): FinishedSpan[] {
  const hr = (ns: number) => [Math.floor(ns / 1e9), ns % 1e9] as const;
  return rows.map((r, i) => ({
    name: `source ${i}`,
    kind: 2,
    startTime: hr(r.start),
    endTime: hr(r.end),
    attributes: {},
    spanContext: () => ({ traceId: '', spanId: String(i) }),
  }));
}

interface Waterfall {
  traceId: string;
  upstream: Array<{ start: number; end: number }>;
}

async function readWaterfall(page: Page, app: string): Promise<Waterfall | undefined> {
  return page.evaluate((name) => {
    const box = document.querySelector(`.waterfall[data-app="${name}"]`);
    const traceId = box?.querySelector('[data-trace-id]')?.getAttribute('data-trace-id');
    if (!box || !traceId) return undefined;
    const upstream = [...box.querySelectorAll<HTMLElement>('.span-row[data-upstream="true"]')].map(
      (row) => ({ start: Number(row.dataset['startNs']), end: Number(row.dataset['endNs']) }),
    );
    return { traceId, upstream };
  }, app);
}

const skipReason = process.env['CI'] === 'true' ? undefined : missing;

describe('the comparison page in Chromium', () => {
  if (skipReason) {
    it.skip(`(skipped: ${skipReason})`, () => {});
    return;
  }
  let start: SpawnedProcess;
  let browser: Browser;
  let page: Page;
  let url = '';
  let output = '';
  const dirs: string[] = [];

  beforeAll(async () => {
    if (missing) throw new Error(`CI=true and ${missing}`);
    const dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-page-'));
    dirs.push(dataDir);
    const comparePort = await freePort();
    start = spawnProcess({
      name: 'npm start',
      entry: 'tools/start/src/main.ts',
      keepChunks: 2000,
      env: {
        FORCE_COLOR: '0',
        SWITCHYARD_DATA_DIR: dataDir,
        COMPARE_PORT: String(comparePort),
        EXPRESS_PORT: String(await freePort()),
        FASTIFY_PORT: String(await freePort()),
        UPSTREAM_PORT: String(await freePort()),
        PROXIED_PORT: String(await freePort()),
        DATABASE_URL: '',
      },
    });
    await waitForOutput(start, 'Press Ctrl-C', { timeoutMs: 170_000 });
    output = start.output.join('');
    url = `http://127.0.0.1:${comparePort}`;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url);
  }, 200_000);

  afterAll(async () => {
    await browser?.close();
    const exit = await start?.stop({ signal: 'SIGINT', graceMs: 30_000 });
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    // The page's server and the apps stop with npm start, cleanly.
    if (start) expect(start.output.join('')).toContain('Stopped cleanly.');
    if (exit) expect(exit.code).toBe(0);
  }, 60_000);

  it('is in npm start’s output beside the apps', () => {
    expect(output).toContain(`compare page ${url}`);
    expect(output).toMatch(/express-api\s+http:\/\/127\.0\.0\.1:\d+ {3}\(ready in/);
  });

  it('shows the scripted session’s rows, the ones npm start printed, every one ✓', async () => {
    const printed = output
      .split('\n')
      .filter((line) => /\s[✓✗]\s/.test(line))
      .map((line) => line.split(/\s{2,}/)[0]!.trim());
    await page.locator('#parity-table tbody tr[data-step]').first().waitFor();
    const rows = await page.$$eval('#parity-table tbody tr[data-step]', (trs) =>
      trs.map((tr) => ({
        step: tr.getAttribute('data-step'),
        same: tr.getAttribute('data-same'),
        cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
      })),
    );
    expect(rows.map((r) => r.step)).toEqual(printed);
    expect(rows.length).toBeGreaterThanOrEqual(16);
    expect(rows.filter((r) => r.same !== 'true')).toEqual([]);
    for (const r of rows) expect(r.cells[3]).toMatch(/^\d+\.\d ms$/);
    await expect
      .poll(() => page.textContent('#parity-summary'))
      .toMatch(/^(\d+)\/\1 steps gave the same status and body in both apps\.$/);
  });

  it('runs the fan-out against both apps and shows each one’s requests, p50, p99 and errors', async () => {
    const before = await Promise.all(
      ['express-api', 'fastify-api'].map((a) => readWaterfall(page, a)),
    );
    const card = page.locator('.card[data-scenario="fanout"]');
    await card.locator('input[name="k"]').fill(String(K));
    await card.locator('input[name="durationS"]').fill('2');
    await card.locator('button').click();
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
    const results = await card.locator('table.scenario-result tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        app: tr.getAttribute('data-app'),
        count: tr.querySelector('[data-field="count"]')?.textContent,
        p50: tr.querySelector('[data-field="p50"]')?.textContent,
        p99: tr.querySelector('[data-field="p99"]')?.textContent,
        errors: tr.querySelector('[data-field="errors"]')?.textContent,
      })),
    );
    expect(results.map((r) => r.app)).toEqual(['express-api', 'fastify-api']);
    for (const r of results) {
      expect(Number(r.count)).toBeGreaterThan(0);
      expect(r.p50).toMatch(/^\d+\.\d ms$/);
      expect(r.p99).toMatch(/^\d+\.\d ms$/);
      expect(r.errors).toBe('0');
    }
    await expect(card.locator('.note').textContent()).resolves.toContain(
      `Both apps restarted with ENSEMBLE_SOURCES=${K}`,
    );

    // The waterfalls follow: each app's last ensemble request, a new trace with K source calls.
    for (const [i, app] of ['express-api', 'fastify-api'].entries()) {
      await expect
        .poll(
          async () => {
            const w = await readWaterfall(page, app);
            return w && w.traceId !== before[i]?.traceId ? w.upstream.length : undefined;
          },
          { timeout: 30_000 },
        )
        .toBe(K);
    }
    const express = (await readWaterfall(page, 'express-api'))!;
    const fastify = (await readWaterfall(page, 'fastify-api'))!;
    // Structure, not timing: Express's calls each start after the previous one ended, Fastify's
    // all start before the first one ends (docs/case-study.md#fan-out).
    expect(oneAfterAnother(asSpans(express.upstream))).toBe(true);
    expect(allAtOnce(asSpans(express.upstream))).toBe(false);
    expect(allAtOnce(asSpans(fastify.upstream))).toBe(true);
    expect(oneAfterAnother(asSpans(fastify.upstream))).toBe(false);
  }, 180_000);

  it('takes the screenshot', async () => {
    // The live charts have a few seconds of points by now.
    const file = SCREENSHOT ?? path.join(dirs[0]!, 'compare-page.png');
    await mkdir(path.dirname(file), { recursive: true });
    await page.screenshot({ path: file, fullPage: true });
    expect(existsSync(file)).toBe(true);
  });

  it('fits a 390 px wide screen with no horizontal scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    // The charts resize on the next frame (ResizeObserver).
    await page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
    );
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
      widest: Math.max(
        ...[...document.querySelectorAll('body *')].map((e) => e.getBoundingClientRect().right),
      ),
    }));
    expect(widths.client).toBe(390);
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    expect(widths.widest).toBeLessThanOrEqual(widths.client);
  });
});
