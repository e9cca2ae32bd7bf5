// The HAProxy configuration in front of the instances, generated per run into a temp dir.

/** One instance as HAProxy sees it: `s1`, `s2`, … on a loopback port. */
export interface BackendServer {
  readonly name: string;
  readonly port: number;
}

/** How often HAProxy asks each instance's GET /ready, and how many answers flip its state. */
export interface HealthCheck {
  /** Between two checks, in every state (up, going down, down). */
  readonly intervalMs: number;
  /** Failed checks in a row before an instance is taken out. */
  readonly fall: number;
  /** Passed checks in a row before it is sent traffic again. */
  readonly rise: number;
  /**
   * How long one check may take. Without it HAProxy uses the interval: at 200 ms, a busy but
   * healthy instance that answered /ready in 250 ms was taken out, and with every instance out
   * HAProxy answered 503 itself (the first bench run: 15,006 of them in 3 s on one instance).
   */
  readonly timeoutMs: number;
}

export interface HaproxyConfigInput {
  /** The balancer's port on 127.0.0.1. */
  readonly port: number;
  readonly servers: readonly BackendServer[];
  readonly check: HealthCheck;
  /** The runtime API (`show stat`), a Unix socket in the run's temp dir. */
  readonly adminSocket: string;
  /** HAProxy's stats page on 127.0.0.1, when given. */
  readonly statsPort?: number | undefined;
  /** The longest an instance may take to send a response's headers (the slowest route's bound). */
  readonly serverTimeoutMs: number;
  /** The longest a WebSocket may sit idle through the balancer. */
  readonly tunnelTimeoutMs: number;
  /** Connections the balancer holds at once (HAProxy's global maxconn). */
  readonly maxConnections: number;
}

export const BACKEND = 'app';

/**
 * HAProxy 2.6's configuration: one frontend on 127.0.0.1, one backend with every instance,
 * `balance roundrobin`, health checks on GET /ready, X-Forwarded-For added, WebSockets kept
 * open by `timeout tunnel`, a refused connection retried on another instance.
 */
export function haproxyConfig(input: HaproxyConfigInput): string {
  const { check } = input;
  const servers = input.servers.map((s) => `  server ${s.name} 127.0.0.1:${s.port} check`);
  const stats =
    input.statsPort === undefined
      ? []
      : [
          '',
          'listen stats',
          `  bind 127.0.0.1:${input.statsPort}`,
          '  stats enable',
          '  stats uri /',
          '  stats refresh 1s',
        ];
  return [
    'global',
    `  maxconn ${input.maxConnections}`,
    `  stats socket ${input.adminSocket} mode 600 level admin`,
    '',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 60s',
    `  timeout server ${input.serverTimeoutMs}ms`,
    // A WebSocket, once upgraded, is a tunnel: this bounds how long it may sit idle.
    `  timeout tunnel ${input.tunnelTimeoutMs}ms`,
    '  timeout http-request 10s',
    '  timeout http-keep-alive 5s',
    '  timeout queue 5s',
    `  timeout check ${check.timeoutMs}ms`,
    // A connection an instance refuses (it stopped listening, or is gone) is tried again, on
    // another instance: nothing was sent, so this is safe for a POST too. So is a request that
    // got no byte back (`empty-response`: a kept-alive connection the instance closed as the
    // request went out, or the instance died), except a POST or PATCH without an
    // Idempotency-Key, which the instance may have carried out (see the backend's rule).
    '  retries 3',
    '  retry-on conn-failure empty-response',
    '  option redispatch 1',
    '',
    'frontend balancer',
    `  bind 127.0.0.1:${input.port}`,
    // The client's address for the instances' TRUST_PROXY (the instances trust 127.0.0.1).
    '  option forwardfor',
    `  default_backend ${BACKEND}`,
    '',
    `backend ${BACKEND}`,
    // Round robin: the requests here are short and alike, and WebSockets stay where they were
    // accepted; leastconn would suit long-lived connections of uneven length.
    '  balance roundrobin',
    '  http-request disable-l7-retry if { method POST PATCH } !{ req.hdr(idempotency-key) -m found }',
    '  option httpchk GET /ready',
    '  http-check expect status 200',
    // Which instance answered, so that a test or a person can see the spread.
    '  http-response set-header X-Served-By %[srv_name]',
    `  default-server inter ${check.intervalMs}ms fastinter ${check.intervalMs}ms downinter ${check.intervalMs}ms fall ${check.fall} rise ${check.rise}`,
    ...servers,
    ...stats,
    '',
  ].join('\n');
}
