import { describe, expect, it } from 'vitest';
import { answerFor, completionFor } from './content.js';

describe('completionFor', () => {
  it('repeats the prompt and adds a fixed sentence', () => {
    expect(completionFor('hello world')).toEqual({
      completion: 'You said: hello world. This is a deterministic reply from the stand-in model.',
      words: expect.any(Array),
      tokens: 13,
    });
  });

  it('counts one token per whitespace-separated word', () => {
    const { completion, words, tokens } = completionFor('a\tb\n c');

    expect(words).toEqual(completion.split(' '));
    expect(tokens).toBe(words.length);
    expect(completion.startsWith('You said: a b c.')).toBe(true);
  });

  it('keeps only the first maxTokens words', () => {
    expect(completionFor('hello world', 2)).toMatchObject({ completion: 'You said:', tokens: 2 });
  });
});

describe('answerFor', () => {
  it('names the source and quotes the question', () => {
    const answer = answerFor(7, 'Where is my parcel?');

    expect(answer.source).toBe('source-7');
    expect(answer.answer).toMatch(/^Source 7 on "Where is my parcel\?": .+\.$/);
  });

  it('gives the same answer for the same source and question', () => {
    expect(answerFor(3, 'q')).toEqual(answerFor(3, 'q'));
  });

  it('keeps confidence within [0, 1] across many inputs', () => {
    for (let id = 0; id < 500; id += 1) {
      const { confidence } = answerFor(id, `question ${id % 7}`);
      expect(confidence).toBeGreaterThanOrEqual(0);
      expect(confidence).toBeLessThanOrEqual(1);
    }
  });
});
