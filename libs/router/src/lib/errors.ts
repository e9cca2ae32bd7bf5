/** Every error the router throws. Codes are stable: see docs/errors.md. */
export const RouterErrorCode = {
  DUPLICATE_KEY: 'SWY_ERR_ROUTER_DUPLICATE_KEY',
  INVALID_KEY: 'SWY_ERR_ROUTER_INVALID_KEY',
  INCLUDE_CYCLE: 'SWY_ERR_ROUTER_INCLUDE_CYCLE',
  UNKNOWN_KEY: 'SWY_ERR_ROUTER_UNKNOWN_KEY',
} as const;

export type RouterErrorCode = (typeof RouterErrorCode)[keyof typeof RouterErrorCode];

/** HTTP status an app should answer with when a router error reaches a request. */
export const routerErrorStatus: Readonly<Record<RouterErrorCode, number>> = {
  [RouterErrorCode.DUPLICATE_KEY]: 500,
  [RouterErrorCode.INVALID_KEY]: 500,
  [RouterErrorCode.INCLUDE_CYCLE]: 500,
  [RouterErrorCode.UNKNOWN_KEY]: 404,
};

export class RouterError extends Error {
  override readonly name = 'RouterError';
  readonly code: RouterErrorCode;
  readonly status: number;
  /** The offending key, as the router joins it. */
  readonly key: string | undefined;

  constructor(code: RouterErrorCode, message: string, key?: string) {
    super(message);
    this.code = code;
    this.status = routerErrorStatus[code];
    this.key = key;
  }
}
