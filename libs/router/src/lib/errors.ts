/**
 * Every error the router throws. Codes are stable: see docs/errors.md. They carry no HTTP
 * status: what a request that meets one should get is the app's decision (Switchyard answers
 * its own SWY_ERR_BOT_NOT_FOUND after `resolve`).
 */
export const RouterErrorCode = {
  DUPLICATE_KEY: 'SWY_ERR_ROUTER_DUPLICATE_KEY',
  INVALID_KEY: 'SWY_ERR_ROUTER_INVALID_KEY',
  INCLUDE_CYCLE: 'SWY_ERR_ROUTER_INCLUDE_CYCLE',
  UNKNOWN_KEY: 'SWY_ERR_ROUTER_UNKNOWN_KEY',
} as const;

export type RouterErrorCode = (typeof RouterErrorCode)[keyof typeof RouterErrorCode];

export class RouterError extends Error {
  override readonly name = 'RouterError';
  readonly code: RouterErrorCode;
  /** The offending key, where there is one. */
  readonly key: string | undefined;

  constructor(code: RouterErrorCode, message: string, key?: string) {
    super(message);
    this.code = code;
    this.key = key;
  }
}
