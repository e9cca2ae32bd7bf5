import { RequestValidator } from '@switchyard/api-spec';
import { describe, expect, it, vi } from 'vitest';
import {
  QUEUE_FULL_CLOSE_CODE,
  streamConversation,
  type ChatService,
  type OutgoingFrame,
} from '../src/index.js';

/** A chat whose replies wait until the test lets them go, so messages pile up in the queue. */
function heldChat() {
  const releases: Array<() => void> = [];
  let answered = 0;
  const chat = {
    stream: vi.fn(
      () =>
        new Promise((resolve) => {
          releases.push(() => {
            answered += 1;
            resolve({
              conversationId: 'c',
              message: { id: `m${answered}` },
              reply: { id: `r${answered}`, text: 'ok' },
            });
          });
        }),
    ),
  } as unknown as ChatService;
  return { chat, releaseAll: () => releases.splice(0).forEach((release) => release()) };
}

function build(limits: { frames: number; bytes: number }) {
  const { chat, releaseAll } = heldChat();
  const sent: OutgoingFrame[] = [];
  const close = vi.fn<(code: number, reason: string) => void>();
  const conversation = streamConversation({
    chat,
    validator: new RequestValidator(),
    principal: { accountId: 'a', username: 'u', tokenHash: 't', expiresAt: '2999-01-01T00:00:00Z' },
    botId: 'echo',
    send: (frame) => {
      sent.push(frame);
    },
    signal: new AbortController().signal,
    limits,
    close,
  });
  return { conversation, sent, close, releaseAll };
}

const MESSAGE = JSON.stringify({ type: 'message', text: 'hi' });
const size = Buffer.byteLength(MESSAGE);

describe('streamConversation queue bounds', () => {
  it('holds exactly `frames` waiting messages and answers them all', async () => {
    const { conversation, sent, close, releaseAll } = build({ frames: 3, bytes: 1_000_000 });
    const answers = [1, 2, 3].map(() => conversation.receive(MESSAGE, size));
    expect(close).not.toHaveBeenCalled();
    const interval = setInterval(releaseAll, 1);
    await Promise.all(answers);
    clearInterval(interval);
    expect(sent.filter((f) => f.type === 'done')).toHaveLength(3);
  });

  it('closes with 1008 on message `frames` + 1 and drops it and every later one', async () => {
    const { conversation, sent, close, releaseAll } = build({ frames: 3, bytes: 1_000_000 });
    const answers = [1, 2, 3, 4, 5].map(() => conversation.receive(MESSAGE, size));
    expect(close).toHaveBeenCalledTimes(1);
    expect(close).toHaveBeenCalledWith(QUEUE_FULL_CLOSE_CODE, 'Too many messages waiting');
    const interval = setInterval(releaseAll, 1);
    await Promise.all(answers);
    clearInterval(interval);
    expect(sent.filter((f) => f.type === 'done')).toHaveLength(3);
  });

  it('holds messages up to exactly `bytes` bytes, and closes one byte past', () => {
    const atBound = build({ frames: 100, bytes: size * 2 });
    void atBound.conversation.receive(MESSAGE, size);
    void atBound.conversation.receive(MESSAGE, size);
    expect(atBound.close).not.toHaveBeenCalled();

    const past = build({ frames: 100, bytes: size * 2 - 1 });
    void past.conversation.receive(MESSAGE, size);
    void past.conversation.receive(MESSAGE, size);
    expect(past.close).toHaveBeenCalledWith(QUEUE_FULL_CLOSE_CODE, 'Too many messages waiting');
  });

  it('counts a message out of the queue once answered, so a steady client is never closed', async () => {
    const { conversation, close, releaseAll } = build({ frames: 1, bytes: 1_000_000 });
    for (let i = 0; i < 5; i += 1) {
      const answer = conversation.receive(MESSAGE, size);
      const interval = setInterval(releaseAll, 1);
      await answer;
      clearInterval(interval);
    }
    expect(close).not.toHaveBeenCalled();
  });
});
