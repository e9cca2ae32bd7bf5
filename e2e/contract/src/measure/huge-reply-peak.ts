// By hand, for docs/reliability.md: each app's peak RSS while the model answers one huge reply.
// Each app runs as a process from its main (default settings but the URLs), the stand-in in this
// process answers every model call with REPLY_MiB of completion, and the peak is the kernel's
// high-water mark of the app's resident set (VmHWM in /proc/<pid>/status), before and after.
//   npx tsx e2e/contract/src/measure/huge-reply-peak.ts            (300 MiB, as in issue 11)
//   REPLY_MIB=3000 npx tsx e2e/contract/src/measure/huge-reply-peak.ts
import { readFileSync } from 'node:fs';
import { freePort, spawnApp, startUpstream } from '@switchyard/testing';
import { apps } from '../apps.js';
import { signUp } from '../support.js';

const MiB = 1024 * 1024;
const replyMiB = Number(process.env['REPLY_MIB'] ?? 300);

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1]);
  return Math.round(kib / 1024);
}

const upstream = await startUpstream();
try {
  for (const app of apps) {
    const spawned = await spawnApp({
      name: app.name,
      entry: app.main,
      port: await freePort(),
      env: {
        LOG_LEVEL: 'warn',
        MODEL_URL: upstream.url,
        KNOWLEDGE_URL: upstream.url,
        PROXY_SERVICES: '{}',
        DATABASE_URL: '',
        REDIS_URL: '',
        ...(process.env['UPSTREAM_MAX_RESPONSE_BYTES']
          ? { UPSTREAM_MAX_RESPONSE_BYTES: process.env['UPSTREAM_MAX_RESPONSE_BYTES'] }
          : {}),
      },
    });
    try {
      const pid = spawned.child.pid!;
      const account = await signUp(spawned.url);
      const before = peakRssMiB(pid);
      upstream.faults.set({ fault: 'huge', bytes: replyMiB * MiB });
      const res = await fetch(`${spawned.url}/v1/bots/model/messages`, {
        method: 'POST',
        headers: { ...account.auth, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'a huge reply, please' }),
      });
      const body = (await res.json()) as { error?: { code: string } };
      upstream.faults.clear();
      const health = await fetch(`${spawned.url}/health`);
      console.log(
        `${app.name}: a ${replyMiB} MiB reply: ${res.status} ${body.error?.code ?? ''}; peak RSS ${before} MiB before, ${peakRssMiB(pid)} MiB after; /health ${health.status}`,
      );
    } finally {
      await spawned.stop();
    }
  }
} finally {
  await upstream.close();
}
