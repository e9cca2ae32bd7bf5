import { MOVED, startServer as startBridge, type ShadowSnapshot } from '@switchyard/bridge-api';
import { startServer as startExpress } from '@switchyard/express-api';
import { startServer as startFastify } from '@switchyard/fastify-api';
import type { AppUnderTest, StartedApp } from '@switchyard/testing';
import type { Logger } from 'pino';
import type { FaultProfile } from './suites/upstream-faults.js';

/** An app as the suites see it: started in-process, or run as a process from its main. */
export interface App extends AppUnderTest {
  /** Started in-process; with `logger`, every line goes to it (suites that read the levels). */
  start(options: Parameters<AppUnderTest['start']>[0] & { logger?: Logger }): Promise<StartedApp>;
  /** Its main.ts from the workspace root, for the suites that run it as a process. */
  readonly main: string;
  /** How its proxy and fan-out are built, which decides how an upstream fault shows. */
  readonly faults: FaultProfile;
}

// #region guide:apps-under-test
export const expressApi: App = {
  name: 'express-api',
  start: ({ config, db, logger }) => startExpress({ config, db, ...(logger ? { logger } : {}) }),
  main: 'apps/express-api/src/main.ts',
  faults: { proxy: 'buffered', fanOut: 'serial' },
};

export const fastifyApi: App = {
  name: 'fastify-api',
  start: ({ config, db, logger }) => startFastify({ config, db, ...(logger ? { logger } : {}) }),
  main: 'apps/fastify-api/src/main.ts',
  faults: { proxy: 'streamed', fanOut: 'concurrent' },
};
// #endregion guide:apps-under-test

/**
 * The bridge with the groups MOVED lists served natively and express-api's routers for the rest:
 * the bots are Fastify's (concurrent fan-out), the proxy, sign-up and log-in are Express's
 * (buffered proxy, express-rate-limit), inside the bridge.
 */
export const bridgeApi: App = {
  name: 'bridge-api',
  start: ({ config, db, logger }) =>
    startBridge({ config, db, moved: MOVED, ...(logger ? { logger } : {}) }),
  main: 'apps/bridge-api/src/main.ts',
  faults: { proxy: 'buffered', fanOut: 'concurrent' },
};

/** A bridge that shadows, and what its shadow counted in each environment it was started in. */
export interface ShadowedBridge extends AppUnderTest {
  /** One snapshot per start, taken when the environment closed, after the last comparison. */
  readonly snapshots: readonly ShadowSnapshot[];
}

/**
 * The bridge before anything moved: every group is express-api's, through @fastify/express. It
 * shadows the reads of bots and conversations (SHADOW_GROUPS, docs/migration-guide.md#prove-a-group):
 * each is answered by Express, then run through Fastify's routes and compared. Shadowing this run
 * rather than adding one costs the contract file about 7 s instead of a third bridge run (about
 * 80 s), and the MOVED bridge above runs with no shadow.
 */
export function bridgeNothingMoved(): ShadowedBridge {
  const snapshots: ShadowSnapshot[] = [];
  return {
    name: 'bridge-api (nothing moved, shadowing bots and conversations)',
    snapshots,
    async start({ config, db }) {
      // Inline (SHADOW_THREAD=inline): the contract asks that every read agree, and under CI's
      // load the worker at nice 19 falls seconds behind, so its replay of a read can run after
      // the case's next write (a mismatch that is no one's bug) or past SHADOW_TIMEOUT_MS. The
      // worker is tested in apps/bridge-api/test/shadow.test.ts; the same comparison runs here.
      const shadowing: typeof config = {
        ...config,
        SHADOW_GROUPS: ['bots', 'conversations'],
        SHADOW_THREAD: 'inline',
      };
      const started = await startBridge({ config: shadowing, db, moved: [] });
      return {
        url: started.url,
        async close() {
          await started.app.shadow?.settled();
          if (started.app.shadow) snapshots.push(started.app.shadow.counters.snapshot());
          await started.close();
        },
      };
    },
  };
}

/** Every app, in the order the suites run them. */
export const apps: readonly App[] = [expressApi, fastifyApi, bridgeApi];
