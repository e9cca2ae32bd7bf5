// A GET that sends the path byte for byte: supertest and fetch resolve `..` and `.` segments
// (WHATWG URL) before the request leaves, so a bypass made of them never reaches the server.
import { request, type IncomingHttpHeaders } from 'node:http';

export interface RawAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** GET `path` as written from `base` (http://127.0.0.1:port); fails after `timeoutMs`. */
export function rawGet(
  base: string,
  path: string,
  headers: Record<string, string> = {},
  timeoutMs = 5_000,
): Promise<RawAnswer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`GET ${path}: no answer within ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end();
  });
}
