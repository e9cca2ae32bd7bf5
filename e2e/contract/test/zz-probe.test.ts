import { it } from 'vitest';
import { startEnvironment } from '@switchyard/testing';
import { databaseTargets } from '@switchyard/persistence/testing';
import { connect } from 'node:net';
import { apps } from '../src/apps.js';
import { signUp } from '../src/support.js';

function raw(url: string, text: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = connect(Number(u.port), u.hostname, () => s.write(text));
    let out = '';
    s.on('data', (d) => (out += d));
    const t = setTimeout(() => { s.destroy(); resolve(out + '\n[TIMEOUT]'); }, 1500);
    s.on('close', () => { clearTimeout(t); resolve(out); });
    s.on('error', () => undefined);
  });
}
it('probe', async () => {
  const [target] = await databaseTargets();
  for (const app of apps) {
    const env = await startEnvironment(app, target!);
    const acc = await signUp(env.app.url);
    const up = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
    for (const [name, req] of [
      ['upgrade GET /v1/bots', `GET /v1/bots HTTP/1.1\r\nHost: x\r\n${up}Authorization: Bearer ${acc.token}\r\n\r\n`],
      ['upgrade GET /nope', `GET /nope HTTP/1.1\r\nHost: x\r\n${up}\r\n`],
      ['upgrade noauth stream', `GET /v1/bots/echo/stream HTTP/1.1\r\nHost: x\r\n${up}\r\n`],
      ['HEAD stream auth', `HEAD /v1/bots/echo/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${acc.token}\r\nConnection: close\r\n\r\n`],
      ['HEAD stream noauth', `HEAD /v1/bots/echo/stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`],
      ['HEAD stream upgrade', `HEAD /v1/bots/echo/stream HTTP/1.1\r\nHost: x\r\n${up}Authorization: Bearer ${acc.token}\r\n\r\n`],
    ]) {
      { const r = await raw(env.app.url, req!); const [h, b] = r.split("\r\n\r\n"); console.log(`=== ${app.name} ${name}: ${h!.split("\r\n")[0]} rid=${/x-request-id/i.test(h!)} csp=${/content-security-policy/i.test(h!)} allow=${/^allow: (.*)$/im.exec(h!)?.[1]} body=${(b ?? "").slice(0, 120)}`); }
    }
    await env.close();
  }
}, 60000);
