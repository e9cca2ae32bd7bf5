import { Transform } from 'node:stream';
import { AppError } from '@switchyard/api-spec';

/** 502 SWY_ERR_UPSTREAM_BAD_RESPONSE: the proxied body is over PROXY_MAX_RESPONSE_BYTES. */
export class ResponseTooLarge extends AppError {
  constructor(maxBytes: number) {
    super('SWY_ERR_UPSTREAM_BAD_RESPONSE', {
      message: `The upstream response is larger than the gateway passes on (${maxBytes} bytes)`,
    });
  }
}

/** A Content-Length over `maxBytes`: refused before a byte of the body is read. */
export function declaredTooLarge(
  contentLength: string | string[] | null | undefined,
  maxBytes: number,
): boolean {
  const value = Array.isArray(contentLength) ? contentLength[0] : contentLength;
  return value !== undefined && value !== null && /^\d+$/.test(value) && Number(value) > maxBytes;
}

/**
 * A pass-through that fails with ResponseTooLarge as soon as more than `maxBytes` have come
 * through, for a body whose length is not declared (or declared falsely). Whoever pipes it
 * sees the error and tears the stream down: nothing past the bound is held.
 */
export function byteCap(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > maxBytes) callback(new ResponseTooLarge(maxBytes));
      else callback(null, chunk);
    },
  });
}
