import { connect } from 'node:net';
import { gzipSync, deflateSync } from 'node:zlib';
import { openDatabase } from '@switchyard/persistence';
import { startUpstream, contractConfig, freePort } from '@switchyard/testing';
import { apps } from '../src/apps.js';
import { it } from 'vitest';
it('probe', async () => {

function raw(url: string, text: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const s = connect(Number(port), hostname);
    let out = '';
    s.on('data', (d) => (out += d.toString('latin1')));
    s.on('end', () => resolve(out));
    s.on('close', () => resolve(out));
    s.on('error', () => resolve(out + '<error>'));
    s.write(text);
    setTimeout(() => { s.destroy(); resolve(out + '<timeout>'); }, 3000);
  });
}
const short = (r: string) => {
  const [head, body] = r.split('\r\n\r\n');
  const lines = (head ?? '').split('\r\n');
  const keep = lines.filter((l, i) => i === 0 || /^(content-type|x-request-id|content-security|location|x-frame|connection):/i.test(l));
  return keep.join(' | ') + ' || ' + (body ?? '').slice(0, 160).replace(/\s+/g, ' ');
};

const upstream = await startUpstream();
for (const app of apps) {
  const db = await openDatabase();
  const config = contractConfig(upstream, {}, await freePort());
  const s = await app.start({ config, db });
  const u = s.url;
  const user = { username: `u${Math.random().toString(36).slice(2, 10)}`, password: 'correct horse battery' };
  await fetch(`${u}/v1/accounts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(user) });
  const tok = (await (await fetch(`${u}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(user) })).json()).token;
  const out: string[] = [];
  const post = async (what: string, path: string, headers: Record<string, string>, body: Buffer | string) => {
    const r = await fetch(`${u}${path}`, { method: 'POST', headers: { authorization: `Bearer ${tok}`, ...headers }, body });
    out.push(`${what} ${path}: ${r.status} ${(await r.text()).slice(0, 120)}`);
  };
  const login = JSON.stringify(user);
  const msg = JSON.stringify({ text: 'hi' });
  for (const [path, body] of [['/v1/sessions', login], ['/v1/bots/echo/messages', msg]] as const) {
    await post('BOM', path, { 'content-type': 'application/json' }, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]));
    for (const cs of ['latin1', 'utf-16', 'UTF-8', 'utf8', 'iso-8859-1', 'us-ascii', '"utf-8"'])
      await post(`charset=${cs}`, path, { 'content-type': `application/json; charset=${cs}` }, body);
    await post('gzip', path, { 'content-type': 'application/json', 'content-encoding': 'gzip' }, gzipSync(body));
    await post('deflate', path, { 'content-type': 'application/json', 'content-encoding': 'deflate' }, deflateSync(body));
    await post('gzip-plain', path, { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body);
    await post('br', path, { 'content-type': 'application/json', 'content-encoding': 'br' }, body);
    await post('x-foo', path, { 'content-type': 'application/json', 'content-encoding': 'x-foo' }, body);
    await post('identity', path, { 'content-type': 'application/json', 'content-encoding': 'identity' }, body);
  }
  for (const p of ['/v1/%62ots', '/v1/bot%73', '/%761/bots', '/v1/%42ots', '/v1/bots%2F', '/health%2F', '/%68ealth', '/v1/bots/%65cho/messages', '/docs', '/docs/', '/docs/json', '/docs/yaml', '/docs/static/index.html', '/docs/static/swagger-ui.css', '/docs/swagger-ui.css', '/docs/swagger-ui-init.js', '/docs/index.html', '/docs/static/swagger-initializer.js', '/docs/static/logo.svg', '/docs/json/', '/docs/uiConfig', '/docs/initOAuth', '/docs/static/theme/x','/docs//static/index.html', '/docs/favicon-32x32.png', '/docs/static/favicon-32x32.png']) {
    const r = await fetch(`${u}${p}`, { headers: { authorization: `Bearer ${tok}` }, redirect: 'manual' });
    out.push(`GET ${p}: ${r.status} ${r.headers.get('location') ?? ''} ${r.headers.get('content-type')} ${(await r.text()).slice(0, 60).replace(/\s+/g, ' ')}`);
  }
  const rawCases: Array<[string, string]> = [
    ['bad header char', 'GET /health HTTP/1.1\r\nHost: x\r\nX-Bad: a\x01b\r\n\r\n'],
    ['bad content-length', 'POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'],
    ['two content-lengths', 'POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n'],
    ['url /%', 'GET /% HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['url /v1/%', 'GET /v1/% HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['url with space', 'GET /a b HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['header too large', `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`],
    ['bad method', 'G@T /health HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['bad version', 'GET /health HTTP/9.9\r\nHost: x\r\n\r\n'],
    ['no host', 'GET /health HTTP/1.1\r\n\r\n'],
    ['garbage', 'hello\r\n\r\n'],
    ['CL+TE', 'POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['bad chunk', 'POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n'],
    ['url *', 'GET * HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['url no slash', 'GET health HTTP/1.1\r\nHost: x\r\n\r\n'],
  ];
  for (const [what, text] of rawCases) out.push(`RAW ${what}: ${short(await raw(u, text))}`);
  console.log(`\n===== ${app.name}\n` + out.join('\n'));
  await s.close();
  await db.close();
}
await upstream.close();
}, 300_000);
