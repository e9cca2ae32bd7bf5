// A generated Express app of a given size, for timing the scan: `files` route modules of about
// 100 lines each (a router, eight routes, a sync call and a loop of awaits in some), and an
// app.js that mounts them all. Used by scripts/bench-scan.ts and tools/bench's scan scenario.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function routeModule(i: number): string {
  const lines = [
    `import { Router } from 'express';`,
    `import { readFileSync } from 'node:fs';`,
    ``,
    `const items${i} = new Map();`,
    ``,
    `export const router${i} = Router();`,
    ``,
  ];
  for (let r = 0; r < 8; r++) {
    const method = r % 4 === 0 ? 'post' : 'get';
    lines.push(
      `router${i}.${method}('/r${r}/:id', async (req, res) => {`,
      `  const id = String(req.params.id);`,
      `  const found = items${i}.get(id);`,
      `  if (!found) {`,
      `    res.status(404).json({ error: 'not found', id });`,
      `    return;`,
      `  }`,
      r === 3 ? `  const extra = readFileSync('/etc/hostname', 'utf8');` : `  const extra = '';`,
      `  const out = [];`,
      r === 5 ? `  for (const x of found.links) out.push(await fetch(x));` : `  out.push(found);`,
      `  res.json({ id, extra, out, locals: res.locals.user });`,
      `});`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the app under `dir`; returns its line count. */
export function generateApp(dir: string, files: number): number {
  mkdirSync(join(dir, 'routes'), { recursive: true });
  let total = 0;
  const app = [`import express from 'express';`, `import cors from 'cors';`];
  for (let i = 0; i < files; i++) {
    const text = routeModule(i);
    total += text.split('\n').length - 1;
    writeFileSync(join(dir, 'routes', `r${i}.js`), text);
    app.push(`import { router${i} } from './routes/r${i}.js';`);
  }
  app.push(`const app = express();`, `app.use(cors());`, `app.use(express.json());`);
  for (let i = 0; i < files; i++) app.push(`app.use('/g${i}', router${i});`);
  app.push(
    `app.use((req, res) => res.status(404).json({ error: 'not found' }));`,
    `export default app;`,
  );
  writeFileSync(join(dir, 'app.js'), `${app.join('\n')}\n`);
  return total + app.length;
}
