/** Every error the stand-in answers with or throws. Codes are stable: see docs/errors.md. */
export const UpstreamErrorCode = {
  BAD_REQUEST: 'SWY_ERR_STANDIN_BAD_REQUEST',
  REQUEST_REJECTED: 'SWY_ERR_STANDIN_REQUEST_REJECTED',
  NOT_FOUND: 'SWY_ERR_STANDIN_NOT_FOUND',
  INJECTED_FAULT: 'SWY_ERR_STANDIN_INJECTED_FAULT',
  INTERNAL: 'SWY_ERR_STANDIN_INTERNAL',
  INVALID_OPTION: 'SWY_ERR_STANDIN_INVALID_OPTION',
} as const;

export type UpstreamErrorCode = (typeof UpstreamErrorCode)[keyof typeof UpstreamErrorCode];

/** Status each code is answered with; 5xx faults may pick another 5xx through `status=`. */
export const upstreamErrorStatus: Readonly<Record<UpstreamErrorCode, number>> = {
  [UpstreamErrorCode.BAD_REQUEST]: 400,
  [UpstreamErrorCode.REQUEST_REJECTED]: 415,
  [UpstreamErrorCode.NOT_FOUND]: 404,
  [UpstreamErrorCode.INJECTED_FAULT]: 503,
  [UpstreamErrorCode.INTERNAL]: 500,
  [UpstreamErrorCode.INVALID_OPTION]: 500,
};

export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  readonly code: UpstreamErrorCode;
  readonly statusCode: number;

  constructor(code: UpstreamErrorCode, message: string, statusCode = upstreamErrorStatus[code]) {
    super(message);
    this.code = code;
    this.statusCode = statusCode;
  }
}
