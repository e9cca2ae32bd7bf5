// The mixed-route load of the reliability run: autocannon connections that each walk a lap of
// SCHEDULE as one signed-in user, post messages with a unique text each and keep the texts the
// apps acknowledged (201) for the no-loss check. It runs in a process of its own
// (mixed-load-worker.ts), so neither the upstream stand-in nor the sampler shares its loop.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import autocannon, { type Request as CannonRequest } from 'autocannon';

/** What each entry of a lap asks for. */
export type RouteKind =
  'health' | 'ready' | 'bots' | 'echo' | 'ensemble' | 'conversations' | 'login' | 'proxy';

/** The routes where a 429 is the intended answer (`rateLimited` in libs/domain's route table). */
export const RATE_LIMITED: ReadonlySet<RouteKind> = new Set(['login']);

/**
 * One lap of 20 requests: echo 9, health 2, ready 1, bots 2, conversations 2, proxy 2, log-in 1,
 * ensemble 1.
 */
export const SCHEDULE: readonly RouteKind[] = [
  'echo',
  'health',
  'echo',
  'bots',
  'echo',
  'conversations',
  'echo',
  'ready',
  'echo',
  'proxy',
  'login',
  'echo',
  'health',
  'bots',
  'echo',
  'conversations',
  'echo',
  'proxy',
  'ensemble',
  'echo',
];

export interface LoadAccount {
  readonly username: string;
  readonly password: string;
  readonly token: string;
}

export interface MixedLoadJob {
  readonly url: string;
  readonly connections: number;
  readonly durationS: number;
  /** Signed up and logged in before the run; each lap is one of them, in turn. */
  readonly accounts: readonly LoadAccount[];
  /** Seconds before autocannon gives up on a response and reconnects. */
  readonly timeoutS?: number;
}

/** A message the app answered 201 for, with the ids it said it stored. */
export interface Acknowledged {
  readonly text: string;
  readonly messageId: string;
  readonly replyId: string;
  readonly conversationId: string;
}

export interface MixedLoadResult {
  readonly durationS: number;
  /** Requests written, per route. */
  readonly sent: Record<RouteKind, number>;
  /** Responses per route and status. */
  readonly statuses: Record<RouteKind, Record<string, number>>;
  /** autocannon's count of connection errors and timeouts (timeouts included). */
  readonly socketErrors: number;
  readonly timeouts: number;
  /** Latency of the 2xx responses (autocannon records only those), in ms. */
  readonly p50: number;
  readonly p99: number;
  readonly maxLatency: number;
  readonly acknowledged: readonly Acknowledged[];
  /** Message texts answered with anything but 201, and the status. */
  readonly refused: readonly { text: string; status: number }[];
  /** Message texts sent and never answered: timed out, connection lost, or in flight at the end. */
  readonly unanswered: readonly string[];
  /** A 201 whose body did not name the text that was sent. */
  readonly mismatched: number;
  /** The load generator's CPU over the run, in cores. */
  readonly clientCpu: number;
}

const KINDS: readonly RouteKind[] = [...new Set(SCHEDULE)];
const perKind = <T>(make: () => T) =>
  Object.fromEntries(KINDS.map((k) => [k, make()])) as Record<RouteKind, T>;

interface Lap {
  account?: LoadAccount;
  offset?: number;
  kind?: RouteKind;
  conversationId?: string;
  /** The message text of the request in flight, if it posts one. */
  text?: string;
}

/** Runs the load in this process; see runMixedLoadInChild for the usual way. */
export async function runMixedLoad(job: MixedLoadJob): Promise<MixedLoadResult> {
  if (job.accounts.length === 0) throw new Error('the mixed load needs at least one account');
  const tag = randomBytes(4).toString('hex');
  const sent = perKind(() => 0);
  const statuses = perKind(() => ({}) as Record<string, number>);
  const acknowledged: Acknowledged[] = [];
  const refused: { text: string; status: number }[] = [];
  const pending = new Set<string>();
  let mismatched = 0;
  let laps = 0;
  let messages = 0;

  const json = { 'content-type': 'application/json' };
  const build = (kind: RouteKind, lap: Lap): CannonRequest => {
    const account = lap.account!;
    const auth = { authorization: `Bearer ${account.token}` };
    const message = (bot: string, conversationId?: string): CannonRequest => {
      const text = `load ${tag} ${bot} #${++messages}`;
      lap.text = text;
      pending.add(text);
      return {
        method: 'POST',
        path: `/v1/bots/${bot}/messages`,
        headers: { ...auth, ...json },
        body: JSON.stringify(conversationId ? { text, conversationId } : { text }),
      };
    };
    switch (kind) {
      case 'health':
        return { method: 'GET', path: '/health', headers: {} };
      case 'ready':
        return { method: 'GET', path: '/ready', headers: {} };
      case 'bots':
        return { method: 'GET', path: '/v1/bots', headers: auth };
      case 'conversations':
        return { method: 'GET', path: '/v1/conversations', headers: auth };
      case 'proxy':
        return { method: 'GET', path: '/v1/proxy/httpbin/get?from=load', headers: auth };
      case 'login':
        return {
          method: 'POST',
          path: '/v1/sessions',
          headers: json,
          body: JSON.stringify({ username: account.username, password: account.password }),
        };
      case 'echo':
        // The lap's echo messages are one conversation: the first starts it, the rest continue.
        return message('echo', lap.conversationId);
      case 'ensemble':
        return message('ensemble');
    }
  };

  // Entry i of a lap sends SCHEDULE[(i + offset) % length], the offset new for each lap, so
  // that the connections, which all start together, do not ask for the same route at once.
  const entry = (index: number): CannonRequest => ({
    setupRequest(request, context) {
      const lap = context as Lap;
      // autocannon gives each connection a fresh context at the start of every lap.
      if (lap.account === undefined) {
        lap.account = job.accounts[laps % job.accounts.length];
        lap.offset = laps++ % SCHEDULE.length;
      }
      const kind = SCHEDULE[(index + lap.offset!) % SCHEDULE.length]!;
      lap.kind = kind;
      lap.text = undefined;
      sent[kind]++;
      return { ...request, ...build(kind, lap) };
    },
    onResponse(status, body, context) {
      const lap = context as Lap;
      const kind = lap.kind!;
      statuses[kind][status] = (statuses[kind][status] ?? 0) + 1;
      const text = lap.text;
      if (text === undefined) return;
      pending.delete(text);
      if (status !== 201) {
        refused.push({ text, status });
        return;
      }
      try {
        const answer = JSON.parse(body) as {
          conversationId: string;
          message: { id: string; text: string };
          reply: { id: string };
        };
        if (answer.message.text !== text) {
          mismatched++;
          return;
        }
        acknowledged.push({
          text,
          messageId: answer.message.id,
          replyId: answer.reply.id,
          conversationId: answer.conversationId,
        });
        if (kind === 'echo') lap.conversationId = answer.conversationId;
      } catch {
        mismatched++;
      }
    },
  });

  const cpu = process.cpuUsage();
  const began = performance.now();
  const result = await autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.durationS,
    pipelining: 1,
    timeout: job.timeoutS ?? 10,
    requests: SCHEDULE.map((_, i) => entry(i)),
  });
  const wallMs = performance.now() - began;
  const used = process.cpuUsage(cpu);
  return {
    durationS: wallMs / 1000,
    sent,
    statuses,
    socketErrors: result.errors,
    timeouts: result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
    maxLatency: result.latency.max,
    acknowledged,
    refused,
    unanswered: [...pending],
    mismatched,
    clientCpu: (used.user + used.system) / 1000 / wallMs,
  };
}

const WORKER = fileURLToPath(new URL('./mixed-load-worker.ts', import.meta.url));

export interface MixedLoadWorker {
  /** Runs one job; the worker exits after it. */
  run(job: MixedLoadJob): Promise<MixedLoadResult>;
  /** Ends the worker if run() was never called. */
  close(): void;
}

/**
 * Spawns the load's own process ahead of time (tsx takes a second or so to start it), to be
 * given its one job with run().
 */
export function startMixedLoadWorker(): MixedLoadWorker {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@switchyard/source', WORKER],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const answered = new Promise<MixedLoadResult>((resolve, reject) => {
    let settled = false;
    child.once('message', (m: { result?: MixedLoadResult; error?: string }) => {
      settled = true;
      if (m.result) resolve(m.result);
      else reject(new Error(`the load worker failed: ${m.error}`));
      child.disconnect();
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (!settled)
        reject(new Error(`the load worker exited (${code ?? signal}) without a result`));
    });
  });
  // Whoever calls run() sees a failure; a worker closed unused must not raise an unhandled one.
  answered.catch(() => undefined);
  return {
    run(job) {
      child.send({ job });
      return answered;
    },
    close() {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
}
