/** Each scenario's id and its heading in docs/benchmarks.md (the smoke test checks them). */
export const scenarioTitles = {
  fanout: '1. Fan-out: the ensemble bot asking K sources',
  blocking: '2. Event-loop blocking: GET /v1/bots while another client logs in',
  throughput: '3. Throughput at 100 connections',
  dispatch: '4. Router dispatch: registry lookup against dynamic import()',
  startup: '5. Start-up: process start to the first successful /ready',
  attribution: '6. Attribution: framework against blocking style',
  node: '7. Node versions: the same servers on Node 20 to 26',
  threadpool: '8. Thread-pool sweep: log-ins by UV_THREADPOOL_SIZE (seed 004, the Node way)',
  scan: '9. Scanner: switchyard-migrate scan on a generated 50,000-line app',
  scale: '10. Scale-out: 1, 2 and 3 instances behind HAProxy',
  shadow: '11. Shadow traffic: what comparing every read costs the client',
  coldstart: '12. Lambda cold starts: a fresh process to its first answer',
} as const;
