// The short CI version of the load run (src/reliability-load.ts): every app, as one process and
// as a cluster of WEB_CONCURRENCY=2 workers, under a few seconds of mixed routes from its build,
// on a PostgreSQL database of its own. It asserts what must hold at any speed (no status but 2xx
// and the log-in's 429, no socket error or timeout, every acknowledged message stored exactly
// once) and prints the counts; it asserts no timing.
import { databaseTargets } from '@switchyard/persistence/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOAD_APPS, LOAD_MODES, runLoadCase, type LoadCaseResult } from '../src/lib/load-run.js';

const DURATION_S = 3;
const CONNECTIONS = 12;
const ACCOUNTS = 4;

// Without CI=true an unreachable server skips the suite with this reason; with CI=true it runs
// and fails.
const postgres = (await databaseTargets()).find((t) => t.kind === 'postgres');
const noServer = postgres?.skipReason;
if (noServer) console.warn(`load: skipped, ${noServer}`);

const cases = LOAD_MODES.flatMap((mode) => LOAD_APPS.map((app) => ({ app, mode })));

describe.each(cases)('load: $app $mode', ({ app, mode }) => {
  const skip = noServer;
  let result: LoadCaseResult;

  beforeAll(async () => {
    if (skip) return;
    result = await runLoadCase({
      app,
      mode,
      durationS: DURATION_S,
      connections: CONNECTIONS,
      accounts: ACCOUNTS,
    });
    console.log(
      `load: ${app} ${mode}: ${result.responses} requests (${result.ok} 2xx, ${result.intended429} intended 429), ` +
        `${result.errors} errors, ${result.noLoss.checked} messages checked, ` +
        `${result.noLoss.unansweredChecked} unanswered (${result.noLoss.unansweredStored} stored), ` +
        `${result.workers} worker(s)` +
        (result.problems.length ? ` — ${result.problems.join('; ')}` : ''),
    );
  });

  it.skipIf(skip)(
    'answers every request with a 2xx or, on the log-in, a 429: no other status, socket error or timeout',
    () => {
      expect(result.unexpected).toEqual({});
      expect(result.socketErrors).toBe(0);
      expect(result.silentDrops).toBe(0);
      expect(result.mismatched).toBe(0);
      expect(result.ok).toBeGreaterThan(0);
      // Nothing the app itself logged as an error: that is how the load run finds defects.
      expect(result.errorLogs).toEqual({});
    },
  );

  it.skipIf(skip)('stores every acknowledged message and reply exactly once', () => {
    expect(result.noLoss.checked).toBeGreaterThan(0);
    expect(result.noLoss).toMatchObject({
      lost: 0,
      repliesLost: 0,
      duplicated: 0,
      unknown: 0,
      inconsistentConversations: 0,
    });
  });

  it.skipIf(skip)(
    mode === 'cluster'
      ? 'runs WEB_CONCURRENCY=2 worker processes and leaves none behind on SIGTERM'
      : 'runs as one process and exits cleanly on SIGTERM',
    () => {
      expect(result.workers).toBe(mode === 'cluster' ? 2 : 0);
      expect(result.orphans).toBe(0);
      expect(result.exitCode).toBe(0);
    },
  );
});
