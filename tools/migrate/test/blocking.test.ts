import { describe, expect, it } from 'vitest';
import { scan } from '../src/index.js';
import { tempApp } from './helpers.js';

/** One route whose handler body is `body`, in an ESM app with `imports` at the top. */
function appWith(imports: string, body: string): string {
  return tempApp({
    'app.js': `import express from 'express';\n${imports}\nconst app = express();\napp.post('/x', async (req, res) => {\n${body}\n});\nexport default app;\n`,
  });
}

const kinds = (dir: string) => scan(dir).blocking.map((b) => `${b.kind}:${b.line}`);

describe('blocking patterns', () => {
  it('flags scryptSync in a handler, and not the async scrypt that replaces it', () => {
    expect(
      kinds(
        appWith(
          `import { scryptSync } from 'node:crypto';`,
          `res.send(scryptSync(req.body.p, 's', 64));`,
        ),
      ),
    ).toEqual(['sync-crypto:5']);
    expect(
      kinds(
        appWith(
          `import { scrypt } from 'node:crypto';\nimport { promisify } from 'node:util';`,
          `res.send(await promisify(scrypt)(req.body.p, 's', 64));`,
        ),
      ),
    ).toEqual([]);
  });

  it("flags bcrypt's hashSync through a CommonJS require, and not bcrypt.hash", () => {
    const app = (call: string) =>
      tempApp({
        'app.js': `const express = require('express');\nconst bcrypt = require('bcrypt');\nconst app = express();\napp.post('/u', async (req, res) => {\n  res.json({ hash: ${call} });\n});\n`,
      });
    expect(kinds(app('bcrypt.hashSync(req.body.p, 12)'))).toEqual(['sync-crypto:5']);
    expect(kinds(app('await bcrypt.hash(req.body.p, 12)'))).toEqual([]);
  });

  it('flags sync fs in a handler, and not the same call at start-up', () => {
    expect(
      kinds(
        appWith(
          `import { readFileSync } from 'node:fs';`,
          `res.send(readFileSync('/etc/hostname'));`,
        ),
      ),
    ).toEqual(['sync-io:5']);
    const startup = tempApp({
      'app.js': `import { readFileSync } from 'node:fs';\nimport express from 'express';\nconst banner = readFileSync('/etc/hostname', 'utf8');\nconst app = express();\napp.get('/', (req, res) => res.send(banner));\n`,
    });
    expect(kinds(startup)).toEqual([]);
  });

  it('flags await inside a loop once per loop, and not Promise.all or for await over a stream', () => {
    expect(
      kinds(
        appWith(
          '',
          `const out = [];\nfor (const id of req.body.ids) {\n  out.push(await fetch(id));\n  out.push(await fetch(id + '/more'));\n}\nres.json(out);`,
        ),
      ),
    ).toEqual(['await-in-loop:6']);
    expect(
      kinds(appWith('', `res.json(await Promise.all(req.body.ids.map((id) => fetch(id))));`)),
    ).toEqual([]);
    expect(
      kinds(
        appWith(
          '',
          `let n = 0;\nfor await (const chunk of req) n += chunk.length;\nres.json({ n });`,
        ),
      ),
    ).toEqual([]);
  });

  it('flags a proxy that awaits the whole upstream body before sending, and not one that pipes it', () => {
    expect(
      kinds(
        appWith(
          '',
          `const upstream = await fetch('http://u/x');\nconst text = await upstream.text();\nres.send(text);`,
        ),
      ),
    ).toEqual(['buffered-proxy:6']);
    expect(
      kinds(
        appWith(
          `import { Readable } from 'node:stream';`,
          `const upstream = await fetch('http://u/x');\nReadable.fromWeb(upstream.body).pipe(res);`,
        ),
      ),
    ).toEqual([]);
    // Reading an upstream's JSON to use it, not to send it on, is no proxy.
    expect(
      kinds(
        appWith(
          '',
          `const upstream = await fetch('http://u/x');\nconst { id } = await upstream.json();\nres.json({ id });`,
        ),
      ),
    ).toEqual([]);
  });

  it("flags a hand-wired 'upgrade' listener, and not an HTTP server without one", () => {
    const server = (wiring: string) =>
      tempApp({
        'server.js': `import { createServer } from 'node:http';\nimport express from 'express';\nconst app = express();\nconst server = createServer(app);\n${wiring}\nserver.listen(3000);\n`,
      });
    expect(kinds(server(`server.on('upgrade', (req, socket) => socket.destroy());`))).toEqual([
      'upgrade:5',
    ]);
    expect(kinds(server(`server.on('request', () => {});`))).toEqual([]);
  });
});
