/**
 * The lines of an NDJSON body as it streams in. A chunk may end in the middle of a line, or in
 * the middle of a multi-byte character, so both the text and the undecoded bytes carry over to
 * the next chunk. Blank lines are skipped; a last line without a newline is still a line.
 */
export async function* ndjsonLines(chunks: AsyncIterable<Uint8Array>): AsyncIterable<string> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of chunks) {
    pending += decoder.decode(chunk, { stream: true });
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line) yield line;
      newline = pending.indexOf('\n');
    }
  }
  const last = (pending + decoder.decode()).trim();
  if (last) yield last;
}
