/**
 * What pino must never write, in both apps: the headers that carry credentials (browsers put
 * the bearer token in the WebSocket subprotocol list) and any `password` or `token` field up to
 * three levels down, which covers `{ req: { body: { password } } }`.
 */
export const LOG_REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["sec-websocket-protocol"]',
  'headers.authorization',
  'headers.cookie',
  'res.headers["set-cookie"]',
  'password',
  'token',
  '*.password',
  '*.token',
  '*.*.password',
  '*.*.token',
];
