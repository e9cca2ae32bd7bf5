import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { UpstreamError, UpstreamErrorCode, MAX_WAIT_MS } from '@switchyard/testing';

/** What `main.ts` reads from the environment; documented in `.env.example`. */
export const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65_535, default: 4010 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  UPSTREAM_LATENCY_MS: Type.Integer({ minimum: 0, maximum: MAX_WAIT_MS, default: 0 }),
  /** The `x-upstream-control` value that `/__requests` asks for; unset: a random one. */
  /** `true`: no `/__requests`, no latency or fault overrides, for a stand-in behind a proxy. */
  UPSTREAM_PUBLIC: Type.Union([Type.Literal('true'), Type.Literal('false')], { default: 'false' }),
  UPSTREAM_CONTROL_TOKEN: Type.Optional(Type.String({ pattern: '^[\\x21-\\x7e]{16,256}$' })),
});
export type Env = Static<typeof EnvSchema>;

/**
 * Validates the variables `main.ts` uses; unset or empty ones take their default. Throws
 * SWY_ERR_STANDIN_INVALID_OPTION naming every bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv): Env {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = env[key]?.trim();
    // Only plain decimal digits become numbers: Convert would also take "0x10" or "1e3".
    if (value === undefined || value === '') continue;
    raw[key] = key !== 'UPSTREAM_CONTROL_TOKEN' && /^\d+$/.test(value) ? Number(value) : value;
  }
  const config = Value.Default(EnvSchema, raw) as Record<string, unknown>;
  // One problem per variable: TypeBox reports a union once per member, then as a whole (anyOf).
  const problems = new Map<string, string>();
  for (const error of Value.Errors(EnvSchema, config)) {
    const key = error.instancePath.slice(1);
    if (problems.has(key) && error.keyword !== 'anyOf') continue;
    problems.set(key, `${key}=${JSON.stringify(config[key])}: ${error.message}`);
  }
  if (problems.size > 0) {
    throw new UpstreamError(
      UpstreamErrorCode.INVALID_OPTION,
      `invalid environment: ${[...problems.values()].join('; ')}`,
    );
  }
  return config as Env;
}
