// Why is bare Express 5 several times faster on Node 24 than on Node 20? This runs each bare
// hello-world (tools/bench/src/ceilings/*.mjs) under `--cpu-prof` on each Node version with the
// same wrk load, then prints, per server, the functions with the most self time on each version
// per request and as a share of the busy time, as markdown. The finding built on it is in
// src/scenarios/node-versions-profile.md, which names this command.
//
//   node --import tsx --conditions=@switchyard/source tools/bench/src/profile-express.ts \
//     [--node 20,24] [--servers express5,express4,node-http,fastify] [--duration 5] [--top 12]
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { table } from './lib/context.js';
import { selfTimes } from './lib/cpu-profile.js';
import { parseMajors, resolveNode, type NodeBinary } from './lib/node-versions.js';
import { spawnApp } from '@switchyard/testing';
import { fmt } from './lib/stats.js';
import { WrkClient } from './lib/wrk.js';

const SERVERS: Record<string, { entry: string; env: Record<string, string>; name: string }> = {
  express5: {
    name: 'Express 5',
    entry: 'tools/bench/src/ceilings/express-hello.mjs',
    env: { EXPRESS_MODULE: 'express' },
  },
  express4: {
    name: 'Express 4',
    entry: 'tools/bench/src/ceilings/express-hello.mjs',
    env: { EXPRESS_MODULE: 'express4' },
  },
  'node-http': { name: 'node:http', entry: 'tools/bench/src/ceilings/node-http.mjs', env: {} },
  'node-http-proto': {
    name: "node:http with Express's prototype swap",
    entry: 'tools/bench/src/ceilings/node-http-proto.mjs',
    env: {},
  },
  fastify: { name: 'Fastify 5', entry: 'tools/bench/src/ceilings/fastify-hello.mjs', env: {} },
};

async function profileOne(
  node: NodeBinary,
  server: (typeof SERVERS)[string],
  durationS: number,
  dir: string,
): Promise<{ rps: number; requests: number; busy: number; byFunction: Map<string, number> }> {
  const out = await mkdtemp(path.join(dir, `node-${node.major}-`));
  const proc = await spawnApp({
    execPath: node.bin,
    name: `${server.name} on ${node.version}`,
    entry: server.entry,
    nodeArgs: ['--cpu-prof', '--cpu-prof-dir', out],
    env: server.env,
    keepChunks: 100,
    ready: { path: '/', timeoutMs: 30_000, intervalMs: 20 },
  });
  const wrk = new WrkClient();
  const measure = async () => {
    // A short warm-up so that both versions are profiled with their code optimised.
    const warm = await wrk.run({ url: `${proc.url}/`, connections: 100, durationS: 1 });
    const measured = await wrk.run({ url: `${proc.url}/`, connections: 100, durationS });
    return { rps: measured.rps, requests: warm.total + measured.total };
  };
  const { rps, requests } = await measure()
    .catch(async (error: unknown) => {
      await proc.stop();
      throw error;
    })
    .finally(() => wrk.close());
  // SIGTERM closes the server and the process exits normally, which writes the profile.
  const exit = await proc.stop();
  if (exit.code !== 0) throw new Error(`${proc.name} exited ${exit.code ?? exit.signal}`);
  const [file] = (await readdir(out)).filter((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`${proc.name} wrote no profile in ${out}`);
  const { byFunction } = selfTimes(JSON.parse(await readFile(path.join(out, file), 'utf8')));
  const busy = [...byFunction.values()].reduce((a, b) => a + b, 0);
  return { rps, requests, busy, byFunction };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      node: { type: 'string', default: '20,24' },
      servers: { type: 'string', default: 'express5,express4,node-http' },
      duration: { type: 'string', default: '5' },
      top: { type: 'string', default: '12' },
    },
  });
  const nodes: NodeBinary[] = [];
  for (const major of parseMajors(values.node)) nodes.push(await resolveNode(major));
  const durationS = Number(values.duration);
  const top = Number(values.top);
  const dir = await mkdtemp(path.join(tmpdir(), 'switchyard-profile-'));
  try {
    for (const id of values.servers.split(',')) {
      const server = SERVERS[id];
      if (!server) throw new Error(`unknown server ${id}: ${Object.keys(SERVERS).join(', ')}`);
      const runs: Array<Awaited<ReturnType<typeof profileOne>>> = [];
      for (const node of nodes) runs.push(await profileOne(node, server, durationS, dir));
      // The functions in any version's top list, ordered by their largest share anywhere.
      const share = (r: (typeof runs)[number], key: string) =>
        (r.byFunction.get(key) ?? 0) / r.busy;
      const keys = new Set(
        runs.flatMap((r) =>
          [...r.byFunction.entries()]
            .sort((a, b) => b[1] - a[1])
            .slice(0, top)
            .map(([k]) => k),
        ),
      );
      const ordered = [...keys].sort(
        (a, b) =>
          Math.max(...runs.map((r) => share(r, b))) - Math.max(...runs.map((r) => share(r, a))),
      );
      console.log(
        `**${server.name}**: ${runs.map((r, i) => `Node ${nodes[i]!.version} ${fmt(r.rps)} req/s, ${fmt(r.busy / r.requests)} µs of CPU per request (${fmt(r.busy / 1000)} ms busy over ${fmt(r.requests)} requests, start-up included)`).join('; ')}`,
      );
      console.log('');
      console.log(
        table(
          ['function (self time)', ...nodes.map((n) => `Node ${n.version}`)],
          ordered.map((k) => [
            `\`${k}\``,
            ...runs.map(
              (r) =>
                `${fmt((r.byFunction.get(k) ?? 0) / r.requests)} µs/req (${fmt(share(r, k) * 100)} %)`,
            ),
          ]),
        ),
      );
      console.log('');
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
