import { isIP } from 'node:net';

/** Trust the nearest `hops` addresses of the chain (the peer is hop 0), as proxy-addr calls it. */
export type TrustHops = (address: string, hop: number) => boolean;

/**
 * TRUST_PROXY in a form Express's `trust proxy` setting and Fastify's `trustProxy` option both
 * take (each hands it to proxy-addr): `false` when unset (X-Forwarded-For is ignored and the peer
 * is the client), a list of addresses and CIDRs, or for a hop count a function of the hop. The
 * function, because Fastify 5 reads a plain number as "trust nothing" (a hop count cannot tell a
 * proxy from a client that reaches the app directly: name the proxies where that can happen).
 * Both apps and the bridge's two sides read it from here, so they agree on who the client is.
 * loadConfig has checked the value.
 */
export function trustProxy(config: {
  readonly TRUST_PROXY?: string | undefined;
}): false | string[] | TrustHops {
  const raw = config.TRUST_PROXY?.trim();
  if (!raw) return false;
  if (/^[0-9]+$/.test(raw)) {
    const hops = Number(raw);
    return (_address, hop) => hop < hops;
  }
  return raw.split(',').map((entry) => entry.trim());
}

/** Why a TRUST_PROXY value cannot be used, or undefined when it can (or is unset). */
export function trustProxyProblem(value: string | undefined): string | undefined {
  const raw = value?.trim();
  if (!raw || /^[0-9]+$/.test(raw)) return undefined;
  for (const entry of raw.split(',').map((e) => e.trim())) {
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 6 ? 128 : 32;
    const badBits = bits !== undefined && (!/^[0-9]{1,3}$/.test(bits) || Number(bits) > maxBits);
    if (family === 0 || badBits || rest.length > 0) {
      return `"${entry}" is not an address or CIDR (give a hop count, or a comma list of addresses and CIDRs)`;
    }
  }
  return undefined;
}
