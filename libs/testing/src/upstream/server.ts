import type { AddressInfo } from 'node:net';
import { buildUpstream } from './app.js';
import type { FaultSwitch } from './lib/fault-switch.js';
import type { RequestLog } from './lib/request-log.js';
import type { UpstreamOptions } from './options.js';

export interface StartUpstreamOptions extends UpstreamOptions {
  /** Default 0: the system picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
}

export interface RunningUpstream {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly port: number;
  readonly requests: RequestLog;
  /** A standing fault for every request that asks for none, and the responses faults hold. */
  readonly faults: FaultSwitch;
  /**
   * The `x-upstream-control` header value that `/__requests` asks for over HTTP; undefined on a
   * public stand-in, which has no `/__requests`.
   */
  readonly controlToken: string | undefined;
  /** Stops listening and destroys open sockets, hung requests included. Safe to call twice. */
  close(): Promise<void>;
}

/** A host a client can dial: wildcard addresses become loopback, IPv6 gets brackets. */
function dialable(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** Builds the stand-in and listens on it; tests and benchmarks use this in-process. */
export async function startUpstream(options: StartUpstreamOptions = {}): Promise<RunningUpstream> {
  const { port = 0, host = '127.0.0.1', ...upstream } = options;
  const app = buildUpstream(upstream);
  try {
    await app.listen({ port, host });
  } catch (error) {
    await app.close();
    throw error;
  }
  const bound = (app.server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${dialable(host)}:${bound}`,
    port: bound,
    requests: app.requests,
    faults: app.faults,
    controlToken: app.controlToken,
    close: () => (closing ??= app.close()),
  };
}
