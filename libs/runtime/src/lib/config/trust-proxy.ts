import { isIP } from 'node:net';

/**
 * TRUST_PROXY in the form Express's `trust proxy` setting and Fastify's `trustProxy` option both
 * take (each hands it to proxy-addr): `false` when unset (X-Forwarded-For is ignored and the peer
 * is the client), a hop count, or a list of addresses and CIDRs. Both apps and the bridge's two
 * sides read it from here, so they agree on who the client is. loadConfig has checked it.
 */
export function trustProxy(config: { readonly TRUST_PROXY?: string | undefined }) {
  const raw = config.TRUST_PROXY?.trim();
  if (!raw) return false;
  if (/^[0-9]+$/.test(raw)) return Number(raw);
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
