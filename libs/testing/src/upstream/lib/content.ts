/**
 * What the stand-in says. Everything here is a pure function of its input, so a test can compute
 * the expected reply with the same function instead of copying strings.
 */

export const MODEL_NAME = 'stand-in-1';

const CLOSING_SENTENCE = 'This is a deterministic reply from the stand-in model.';

export interface Completion {
  readonly completion: string;
  /** The completion split on single spaces: one token per word. */
  readonly words: readonly string[];
  readonly tokens: number;
}

/** `You said: <prompt>. ` and a fixed sentence, cut to the first `maxTokens` words. */
export function completionFor(prompt: string, maxTokens?: number): Completion {
  const all = `You said: ${prompt}. ${CLOSING_SENTENCE}`.split(/\s+/).filter((w) => w !== '');
  const words = maxTokens === undefined ? all : all.slice(0, maxTokens);
  return { completion: words.join(' '), words, tokens: words.length };
}

const FINDINGS = [
  'the records agree',
  'the evidence is mixed',
  'no other source contradicts it',
  'it was confirmed last quarter',
  'the data are incomplete',
  'the experts disagree',
  'it holds in most cases',
] as const;

export interface SourceAnswer {
  readonly source: string;
  readonly answer: string;
  /** In [0, 1], three decimals. */
  readonly confidence: number;
}

/** 32-bit FNV-1a: small, fast and the same on every platform. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Knowledge source `id`'s answer to `question`; different sources give different answers. */
export function answerFor(id: number, question: string): SourceAnswer {
  const hash = fnv1a(`${id}\u0000${question}`);
  const finding = FINDINGS[hash % FINDINGS.length] ?? FINDINGS[0];
  return {
    source: `source-${id}`,
    answer: `Source ${id} on "${question}": ${finding}.`,
    confidence: (hash % 1001) / 1000,
  };
}
