/**
 * Whether a Lambda proxy result must carry its body base64-encoded: API Gateway passes a
 * result's `body` on as UTF-8 text unless `isBase64Encoded` is set, so anything that is not
 * text (an image, `application/octet-stream`) or that is content-coded (gzip, br) would arrive
 * corrupted. Both apps' Lambda entries give this to their adapter.
 */
export function isBinaryBody(contentType: string | undefined, contentEncoding?: string): boolean {
  if (contentEncoding !== undefined && contentEncoding !== '' && contentEncoding !== 'identity') {
    return true;
  }
  if (contentType === undefined || contentType === '') return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return !(
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/x-ndjson' ||
    type === 'application/javascript' ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/x-www-form-urlencoded'
  );
}

/**
 * Whether a path has a segment that is `.` or `..` only once percent-decoded (`%2e%2e`). An
 * adapter that runs the event through `inject()` (light-my-request parses the URL with WHATWG
 * URL) resolves such a segment before the router sees it: `/v1/proxy/a/%2e%2e/%2e%2e/get`
 * becomes `/get`, where a server hands the router the path as sent. Behind a gateway that
 * guards routes by prefix that is a way around the guard, so fastify-api's Lambda entry refuses
 * these paths with a 400 of its own.
 */
export function hasEncodedDotSegment(path: string): boolean {
  return path
    .split('/')
    .some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment) && segment.includes('%'));
}
