import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '@switchyard/api-spec';
import { parse, type ContentType } from 'content-type';

/** The only content coding a request body may have: none. */
export const ACCEPTED_CONTENT_CODING = 'identity';

/**
 * Why a request body cannot be read as the JSON it should be, decided before a byte of it is
 * read; `undefined` when it can. Each is a 415 SWY_ERR_UNSUPPORTED_MEDIA_TYPE:
 * - a media type other than `application/json` (a missing one included);
 * - a `Content-Encoding` other than `identity`: RFC 9110 §8.4 lets a server refuse a coding with
 *   415, and §12.5.3 to name the codings it takes in `Accept-Encoding` (then `identity`). Nothing
 *   is inflated, so no compressed body can grow past BODY_LIMIT_BYTES once read;
 * - a `charset` other than UTF-8 (any case, quoted or not): RFC 8259 §8.1 says JSON between
 *   systems is UTF-8, and reading latin1 or UTF-16 bytes as UTF-8 would store changed text.
 */
export function refusedJsonBody(headers: IncomingHttpHeaders): AppError | undefined {
  const type = mediaTypeOf(headers['content-type']);
  if (type?.type !== 'application/json') return new AppError('SWY_ERR_UNSUPPORTED_MEDIA_TYPE');
  const coding = headers['content-encoding'];
  if (coding !== undefined && coding.split(',').some(isCoding)) {
    return new AppError('SWY_ERR_UNSUPPORTED_MEDIA_TYPE', {
      headers: { 'accept-encoding': ACCEPTED_CONTENT_CODING },
    });
  }
  const charset = type.parameters['charset'];
  if (charset !== undefined && charset.toLowerCase() !== 'utf-8') {
    return new AppError('SWY_ERR_UNSUPPORTED_MEDIA_TYPE');
  }
  return undefined;
}

function isCoding(item: string): boolean {
  const coding = item.trim().toLowerCase();
  return coding !== '' && coding !== ACCEPTED_CONTENT_CODING;
}

/** The parsed Content-Type (type in lower case), or `undefined` if missing or malformed. */
function mediaTypeOf(contentType: string | undefined): ContentType | undefined {
  if (contentType === undefined) return undefined;
  try {
    return parse(contentType);
  } catch {
    return undefined;
  }
}
