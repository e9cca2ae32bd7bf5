import { connect } from 'node:net';

/** Bytes of one runtime-API answer the reader keeps: `show stat` for 8 servers is ~4 KB. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** One command on HAProxy's runtime API (a Unix socket): the whole answer as text. */
export function adminCommand(socketPath: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const chunks: Buffer[] = [];
    let size = 0;
    socket.setTimeout(5_000, () => socket.destroy(new Error(`${command}: no answer in 5 s`)));
    socket.on('connect', () => socket.write(`${command}\n`));
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) {
        socket.destroy(new Error(`${command}: answer over ${MAX_ANSWER_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** A server's row of `show stat`, the fields the suites read. */
export interface ServerStat {
  readonly name: string;
  /** `UP`, `DOWN`, `UP 1/2` (going down), `DOWN 1/2` (coming up), `MAINT`, `no check`. */
  readonly status: string;
  /** Sessions open on it now. */
  readonly current: number;
  /** Sessions it has had in all. */
  readonly total: number;
  /** The last check's outcome: `L7OK`, `L7STS` (a status other than 200), `L4CON` (refused), … */
  readonly check: string;
}

/** `show stat` of one backend, its servers only (not the BACKEND row). */
export async function serverStats(socketPath: string, backend: string): Promise<ServerStat[]> {
  const text = await adminCommand(socketPath, 'show stat');
  const [header, ...rows] = text.trim().split('\n');
  const columns = (header ?? '').replace(/^# /, '').split(',');
  const at = (name: string) => columns.indexOf(name);
  const [px, sv, status, scur, stot, check] = [
    'pxname',
    'svname',
    'status',
    'scur',
    'stot',
    'check_status',
  ].map(at);
  return rows
    .map((row) => row.split(','))
    .filter((f) => f[px!] === backend && f[sv!] !== 'BACKEND' && f[sv!] !== 'FRONTEND')
    .map((f) => ({
      name: f[sv!]!,
      status: f[status!]!,
      current: Number(f[scur!]),
      total: Number(f[stot!]),
      check: (f[check!] ?? '').replace(/^\* /, ''),
    }));
}
