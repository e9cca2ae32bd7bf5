// `npx nx run @switchyard/scale:up -- --app fastify-api --instances 3`: the upstream stand-in,
// N instances on a fresh PostgreSQL database and Redis, HAProxy in front; prints the balancer's
// URL and serves until Ctrl-C, then stops everything and drops the database.
import { parseArgs } from 'node:util';
import { startUpstream } from '@switchyard/testing';
import {
  DEFAULT_CHECK,
  DEFAULT_INSTANCES,
  MAX_INSTANCES,
  MIN_INSTANCES,
  SCALABLE_APPS,
  checkInstances,
  isScalableApp,
  startScaled,
} from './index.js';

const USAGE = `Usage: npx nx run @switchyard/scale:up -- [flags]
  --app <name>        ${Object.keys(SCALABLE_APPS).join(', ')} (default fastify-api)
  --instances <n>     ${MIN_INSTANCES} to ${MAX_INSTANCES} (default ${DEFAULT_INSTANCES})
  --port <port>       the balancer's port on 127.0.0.1 (default: a free one)
  --stats             serve HAProxy's stats page too
  --no-redis          no Redis: each instance counts its own rate limits
  --verbose           print the instances' logs (LOG_LEVEL=info)
Environment: TEST_DATABASE_URL (the PostgreSQL server, default postgres://postgres@127.0.0.1:5432/test),
TEST_REDIS_URL (default redis://127.0.0.1:6379), HAPROXY_BIN (default /usr/sbin/haproxy).`;

const { values } = parseArgs({
  options: {
    app: { type: 'string', default: 'fastify-api' },
    instances: { type: 'string', default: String(DEFAULT_INSTANCES) },
    port: { type: 'string' },
    stats: { type: 'boolean', default: false },
    'no-redis': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const app = values.app;
if (!isScalableApp(app)) {
  console.error(`Unknown app "${app}"\n${USAGE}`);
  process.exit(2);
}
let instances: number;
try {
  instances = checkInstances(Number(values.instances));
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}

const upstream = await startUpstream({ latencyMs: 20, chunkDelayMs: 5 });
const scaled = await startScaled({
  app,
  instances,
  check: DEFAULT_CHECK,
  stats: values.stats,
  ...(values.port ? { port: Number(values.port) } : {}),
  ...(values['no-redis'] ? { redisUrl: null } : {}),
  env: {
    MODEL_URL: upstream.url,
    KNOWLEDGE_URL: upstream.url,
    LOG_LEVEL: values.verbose ? 'info' : 'warn',
    RATE_LIMIT_MAX: '20',
  },
  onOutput: (name, chunk) => process.stdout.write(chunk.replace(/^/gm, `[${name}] `)),
}).catch(async (error: unknown) => {
  await upstream.close();
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

console.log(`${app}: ${instances} instance(s) behind HAProxy`);
console.log(
  `  balancer   ${scaled.url}   (try ${scaled.url}/ready, Swagger UI at ${scaled.url}/docs)`,
);
for (const i of scaled.instances) console.log(`  ${i.name.padEnd(10)} ${i.url}`);
if (scaled.statsUrl) console.log(`  stats      ${scaled.statsUrl}`);
console.log(`  database   ${scaled.databaseUrl} (dropped on exit)`);
console.log(`  redis      ${scaled.redisKeyPrefix ? `prefix ${scaled.redisKeyPrefix}` : 'none'}`);
console.log('Press Ctrl-C to stop.');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // npm and nx pass Ctrl-C on as well: stop once.
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping HAProxy, the instances and the stand-in…`);
    void scaled
      .close()
      .then(() => upstream.close())
      .then(
        () => {
          console.log('Stopped cleanly.');
          process.exit(0);
        },
        (error: unknown) => {
          console.error('Did not stop cleanly:', error);
          process.exit(1);
        },
      );
  });
}
