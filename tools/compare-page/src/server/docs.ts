// The two docs the page links into, served as HTML from the working tree, so that a link lands
// on its section (`<a id="fan-out"></a>` anchors) with no network. A reader, not a Markdown
// engine: headings, fenced code, paragraphs, list items, tables as preformatted text, inline
// code and links; everything is escaped first, and only the explicit anchors are kept as HTML.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export const DOCS = ['migration-guide.md', 'case-study.md'] as const;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function inline(text: string): string {
  return escape(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, label: string, href: string) => {
      // Links between the two docs stay here; others name their target without leading away.
      const [file, hash] = href.split('#');
      if ((DOCS as readonly string[]).includes(file ?? '') || file === '') {
        return `<a href="${file ? `/docs/${file}` : ''}${hash ? `#${hash}` : ''}">${label}</a>`;
      }
      return `${label} (<code>${href}</code>)`;
    });
}

export function renderMarkdown(markdown: string, title: string): string {
  const out: string[] = [];
  let code = false;
  let table = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) {
      out.push(code ? '</code></pre>' : '<pre><code>');
      code = !code;
      continue;
    }
    if (code) {
      out.push(escape(line));
      continue;
    }
    const isTable = line.startsWith('|');
    if (isTable !== table) {
      out.push(isTable ? '<pre class="table">' : '</pre>');
      table = isTable;
    }
    if (isTable) {
      out.push(escape(line));
      continue;
    }
    const anchor = /^<a id="([a-z0-9-]+)"><\/a>$/.exec(line);
    const heading = /^(#{1,4}) (.*)$/.exec(line);
    if (anchor) out.push(`<a id="${anchor[1]}"></a>`);
    else if (heading)
      out.push(`<h${heading[1]!.length}>${inline(heading[2]!)}</h${heading[1]!.length}>`);
    else if (/^\s*[-*] /.test(line)) out.push(`<li>${inline(line.replace(/^\s*[-*] /, ''))}</li>`);
    else if (line.trim()) out.push(`<p>${inline(line)}</p>`);
  }
  if (code) out.push('</code></pre>');
  if (table) out.push('</pre>');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:1rem auto;padding:0 1rem}pre{overflow-x:auto;background:#f4f4f4;padding:.5rem}code{font-size:.9em}</style></head><body><p><a href="/">← back to the comparison page</a></p>${out.join('\n')}</body></html>`;
}

/** One of DOCS from `<workspace>/docs`, as HTML; undefined for any other name. */
export async function readDoc(workspace: string, name: string): Promise<string | undefined> {
  if (!(DOCS as readonly string[]).includes(name)) return undefined;
  const text = await readFile(path.join(workspace, 'docs', name), 'utf8');
  return renderMarkdown(text, `docs/${name}`);
}
