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

  it('leaves out the awaits a loop must run in order: a wait, a cursor, the last result, a retry', () => {
    const none = {
      'a wait from timers/promises': [
        `import { setTimeout as delay } from 'node:timers/promises';`,
        `for (const id of req.body.ids) {\n  await delay(10);\n}\nres.end();`,
      ],
      'a sleep of its own': [
        `const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));`,
        `for (let i = 0; i < 3; i++) {\n  await sleep(100 * i);\n}\nres.end();`,
      ],
      'a cursor the previous page gave': [
        '',
        `let cursor = req.query.from;\nconst rows = [];\nwhile (cursor) {\n  const page = await fetch('http://u/rows?after=' + cursor);\n  const body = await page.json();\n  rows.push(...body.rows);\n  cursor = body.next;\n}\nres.json(rows);`,
      ],
      'the last result fed to the next call': [
        '',
        `let last = null;\nfor (const step of req.body.steps) {\n  last = await fetch(step, { body: last });\n}\nres.end();`,
      ],
      'a retry that stops on success': [
        '',
        `for (let attempt = 0; attempt < 3; attempt++) {\n  try {\n    return res.json(await (await fetch('http://u/x')).json());\n  } catch {\n    continue;\n  }\n}\nres.sendStatus(502);`,
      ],
      'a first success, then break': [
        '',
        `let found;\nfor (const url of req.body.mirrors) {\n  found = await fetch(url);\n  break;\n}\nres.json({ ok: Boolean(found) });`,
      ],
    };
    for (const [name, [imports, body]] of Object.entries(none)) {
      expect(kinds(appWith(imports!, body!)), name).toEqual([]);
    }
  });

  it('still flags a fan-out that also waits between calls or reads each body', () => {
    expect(
      kinds(
        appWith(
          `import { setTimeout as delay } from 'node:timers/promises';`,
          `const out = [];\nfor (const id of req.body.ids) {\n  out.push(await fetch('http://u/' + id));\n  await delay(5);\n}\nres.json(out);`,
        ),
      ),
    ).toEqual(['await-in-loop:6']);
    // Reading each answer's body is part of its call; the calls themselves still run in turn.
    expect(
      kinds(
        appWith(
          '',
          `const out = [];\nfor (const id of req.body.ids) {\n  const answer = await fetch('http://u/' + id);\n  out.push(await answer.json());\n}\nres.json(out);`,
        ),
      ),
    ).toEqual(['await-in-loop:6']);
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

  it('flags a module loaded by a computed name in a handler, and not a constant one or one at start-up', () => {
    expect(
      kinds(
        appWith(
          '',
          `const bot = await import(\`./bots/\${req.params.id}.js\`);\nres.json(bot.reply(req.body));`,
        ),
      ),
    ).toEqual(['dynamic-import:5']);
    const cjs = tempApp({
      'app.js': `const express = require('express');\nconst app = express();\napp.get('/b/:id', (req, res) => res.json(require('./bots/' + req.params.id).info));\n`,
    });
    expect(kinds(cjs)).toEqual(['dynamic-import:3']);
    expect(
      kinds(appWith('', `const { render } = await import('./render.js');\nres.send(render());`)),
    ).toEqual([]);
    const startup = tempApp({
      'app.js': `import express from 'express';\nconst names = ['a', 'b'];\nconst bots = await Promise.all(names.map((n) => import(\`./bots/\${n}.js\`)));\nconst app = express();\napp.get('/', (req, res) => res.json(bots.length));\n`,
    });
    expect(kinds(startup)).toEqual([]);
    const callbacks = tempApp({
      'app.js': `import { readFileSync } from 'node:fs';\nimport express from 'express';\nconst pages = ['a', 'b'].map((name) => readFileSync(name));\nconst config = (() => readFileSync('config.json'))();\nconst app = express();\napp.get('/', (req, res) => res.send(pages.concat(config)));\n`,
    });
    expect(kinds(callbacks)).toEqual([]);
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
