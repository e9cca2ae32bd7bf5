// The bridge as scenario 10 runs it, from its build output as the other apps are: bots and
// conversations still on Express (MOVED has moved them, and a moved group cannot be shadowed),
// and a route that answers the shadow's counters, which the scenario reads after its runs.
// Plain JavaScript, so that no TypeScript loader enters the process. Bench only.
import { buildBridge } from '@switchyard/bridge-api';
import { runMain, serve } from '@switchyard/fastify-api';

await runMain('@switchyard/bridge-api', ({ config, db }) => {
  const app = buildBridge({ config, db, moved: ['health', 'docs'] });
  app.get('/bench/shadow', async () => app.shadow?.counters.snapshot() ?? { routes: {} });
  return serve(app, config);
});
