import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyResult,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { isBinaryBody } from '@switchyard/http-kit';

/** API Gateway's two Lambda proxy payloads: REST APIs send 1.0, HTTP APIs 2.0 by default. */
export type PayloadVersion = '1.0' | '2.0';

/** The largest request body API Gateway passes to Lambda: 10 MB for both kinds of API. */
export const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

export type LambdaHandle = (
  event: APIGatewayProxyEvent | APIGatewayProxyEventV2,
  context: Context,
) => Promise<unknown>;

export interface RunningGateway {
  readonly url: string;
  /** Events handed to the function so far, for tests that look at their shape. */
  readonly invocations: number;
  close(): Promise<void>;
}

/**
 * A stand-in for API Gateway in front of one function, on a loopback port: each HTTP request
 * becomes the event the given payload version defines, the handler's result becomes the
 * response. What it reproduces (from AWS's payload documentation): lower-cased headers joined
 * with commas and cookies moved to `cookies` in 2.0; `headers` with the last value and
 * `multiValueHeaders` with all of them in 1.0, and the same for the query; a body base64-encoded
 * unless it is text; a 413 past 10 MB; `requestContext` with the source address and a request id.
 * What it does not: a real HTTP API hands `rawPath` on percent-decoded (captures cited in
 * docs/lambda.md); this one passes the path as the client sent it, as REST APIs do.
 */
export async function startGateway(
  handle: LambdaHandle,
  version: PayloadVersion,
): Promise<RunningGateway> {
  let invocations = 0;
  const server = createServer((req, res) => {
    void respond(req, res).catch((error: unknown) => {
      // A handler that throws is a 502 from API Gateway ("Internal server error" for REST).
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Internal server error', error: String(error) }));
      } else res.destroy();
    });
  });

  async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (body === undefined) {
      res.writeHead(413, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Request Entity Too Large' }));
      return;
    }
    const event = version === '2.0' ? eventV2(req, body) : eventV1(req, body);
    invocations += 1;
    const result = (await handle(event, lambdaContext())) as
      APIGatewayProxyResult | APIGatewayProxyStructuredResultV2;
    writeResult(res, result, req.method === 'HEAD');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get invocations() {
      return invocations;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The body, or undefined past GATEWAY_MAX_BODY_BYTES (the rest is not read). */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > GATEWAY_MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function splitUrl(req: IncomingMessage): { path: string; rawQuery: string } {
  const url = req.url ?? '/';
  const mark = url.indexOf('?');
  return mark === -1
    ? { path: url, rawQuery: '' }
    : { path: url.slice(0, mark), rawQuery: url.slice(mark + 1) };
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** The query's pairs, decoded, in order. */
function queryPairs(rawQuery: string): [string, string][] {
  if (rawQuery === '') return [];
  return rawQuery.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    return eq === -1
      ? [decoded(pair), '']
      : [decoded(pair.slice(0, eq)), decoded(pair.slice(eq + 1))];
  });
}

/** Header name → every value, names lower-cased (Node's rawHeaders keeps repeats). */
function headerLists(req: IncomingMessage): Map<string, string[]> {
  const lists = new Map<string, string[]>();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    lists.set(name, [...(lists.get(name) ?? []), req.rawHeaders[i + 1]!]);
  }
  return lists;
}

function bodyFields(
  req: IncomingMessage,
  body: Buffer,
): { body: string | null; isBase64Encoded: boolean } {
  if (body.length === 0) return { body: null, isBase64Encoded: false };
  const binary = isBinaryBody(req.headers['content-type'], req.headers['content-encoding']);
  return binary
    ? { body: body.toString('base64'), isBase64Encoded: true }
    : { body: body.toString('utf8'), isBase64Encoded: false };
}

function eventV2(req: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const { path, rawQuery } = splitUrl(req);
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, values] of headerLists(req)) {
    // HTTP APIs move Cookie into `cookies` and join every other repeated header with commas.
    if (name === 'cookie') cookies = values.flatMap((v) => v.split(/;\s*/)).filter(Boolean);
    else headers[name] = values.join(',');
  }
  const query: Record<string, string> = {};
  for (const [key, value] of queryPairs(rawQuery)) {
    query[key] = key in query ? `${query[key]},${value}` : value;
  }
  const fields = bodyFields(req, body);
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: rawQuery,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(rawQuery ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'stand-in',
      domainName: headers['host'] ?? 'localhost',
      domainPrefix: 'stand-in',
      http: {
        method: req.method ?? 'GET',
        path,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(fields.body === null ? {} : { body: fields.body }),
    isBase64Encoded: fields.isBase64Encoded,
  };
}

function eventV1(req: IncomingMessage, body: Buffer): APIGatewayProxyEvent {
  const { path, rawQuery } = splitUrl(req);
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, values] of headerLists(req)) {
    headers[name] = values.at(-1)!;
    multiValueHeaders[name] = values;
  }
  const pairs = queryPairs(rawQuery);
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [key, value] of pairs) {
    query[key] = value;
    multiQuery[key] = [...(multiQuery[key] ?? []), value];
  }
  const fields = bodyFields(req, body);
  const now = Date.now();
  return {
    resource: '/{proxy+}',
    path,
    httpMethod: req.method ?? 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters: pairs.length > 0 ? query : null,
    multiValueQueryStringParameters: pairs.length > 0 ? multiQuery : null,
    pathParameters: { proxy: path.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'stand-in',
      authorizer: null,
      httpMethod: req.method ?? 'GET',
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        user: null,
        userAgent: headers['user-agent'] ?? null,
        userArn: null,
      },
      path,
      protocol: `HTTP/${req.httpVersion}`,
      requestId: randomUUID(),
      requestTimeEpoch: now,
      resourceId: 'stand-in',
      resourcePath: '/{proxy+}',
      stage: '$default',
    },
    body: fields.body,
    isBase64Encoded: fields.isBase64Encoded,
  };
}

function writeResult(
  res: ServerResponse,
  result: APIGatewayProxyResult | APIGatewayProxyStructuredResultV2,
  head: boolean,
): void {
  const status = result.statusCode ?? 200;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  const multi = 'multiValueHeaders' in result ? result.multiValueHeaders : undefined;
  for (const [name, values] of Object.entries(multi ?? {})) {
    headers[name.toLowerCase()] = values.map(String);
  }
  const cookies = 'cookies' in result ? result.cookies : undefined;
  if (cookies && cookies.length > 0) headers['set-cookie'] = cookies;
  const body = result.body ?? '';
  const bytes = Buffer.from(body, result.isBase64Encoded ? 'base64' : 'utf8');
  // The gateway sends the body it was given with its own framing.
  delete headers['transfer-encoding'];
  delete headers['connection'];
  if (!head) headers['content-length'] = String(bytes.length);
  res.writeHead(status, headers);
  res.end(head ? undefined : bytes);
}

function lambdaContext(): Context {
  const id = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'switchyard',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:switchyard',
    memoryLimitInMB: '512',
    awsRequestId: id,
    logGroupName: '/aws/lambda/switchyard',
    logStreamName: 'stand-in',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
