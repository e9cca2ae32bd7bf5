// The load generator's own process: it runs autocannon jobs it receives over IPC and answers
// with the figures and the CPU it spent, so the bench can tell when the client was the limit.
import autocannon from 'autocannon';
import { Agent, request } from 'undici';
import type { LoadJob, LoadResult } from './load.js';

process.on('message', (message: { id: number; job: LoadJob }) => {
  void run(message.job).then(
    (result) => process.send?.({ id: message.id, result }),
    (error: unknown) => process.send?.({ id: message.id, error: String(error) }),
  );
});

/**
 * A warm-up of `amount` requests, nothing measured. autocannon never runs for less than a
 * second, even with `amount`, and the quick modes warm up every contender of every variant.
 */
async function warm(job: LoadJob & { amount: number }): Promise<LoadResult> {
  const agent = new Agent({ connections: job.connections });
  let left = job.amount;
  let non2xx = 0;
  let errors = 0;
  const worker = async () => {
    while (left-- > 0) {
      try {
        const res = await request(job.url, {
          dispatcher: agent,
          method: (job.method ?? 'GET') as 'GET',
          headers: job.headers ?? {},
          ...(job.body === undefined ? {} : { body: job.body }),
        });
        await res.body.dump();
        if (res.statusCode >= 300) non2xx++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(job.connections, job.amount) }, worker));
  await agent.close();
  return { rps: 0, p50: 0, p99: 0, total: job.amount, non2xx, errors, clientCpu: 0 };
}

async function run(job: LoadJob): Promise<LoadResult> {
  if (job.amount) return warm({ ...job, amount: job.amount });
  const cpu = process.cpuUsage();
  const began = performance.now();
  const r = await autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.durationS,
    pipelining: 1,
    method: job.method ?? 'GET',
    headers: job.headers ?? {},
    ...(job.body === undefined ? {} : { body: job.body }),
    ...(job.overallRate ? { overallRate: job.overallRate } : {}),
    timeout: 30,
  });
  const wallMs = performance.now() - began;
  const used = process.cpuUsage(cpu);
  const ok = r.requests.total - r.non2xx;
  return {
    rps: (ok / wallMs) * 1000,
    p50: r.latency.p50,
    p99: r.latency.p99,
    total: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    clientCpu: (used.user + used.system) / 1000 / wallMs,
  };
}
