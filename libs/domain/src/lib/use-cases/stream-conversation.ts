import {
  AppError,
  toAppError,
  type ErrorEnvelope,
  StreamClientFrameSchema,
  type StreamClientFrame,
  type StreamServerFrame,
} from '@switchyard/api-spec';
import type { RequestValidator } from '@switchyard/api-spec';
import type { ChatService } from './chat.service.js';
import type { Principal } from './principal.js';

export type OutgoingFrame = StreamServerFrame | ({ type: 'error' } & ErrorEnvelope);

/** Close code and reason of a socket that sent more than its queue holds (RFC 6455 §7.4.1). */
export const QUEUE_FULL_CLOSE_CODE = 1008;
export const QUEUE_FULL_REASON = 'Too many messages waiting';

export interface StreamConversationOptions {
  readonly chat: ChatService;
  readonly validator: RequestValidator;
  readonly principal: Principal;
  readonly botId: string;
  /** Writes one frame; a promise that resolves once written lets a slow client slow the bot. */
  readonly send: (frame: OutgoingFrame) => void | Promise<void>;
  /** Aborted when the socket closes: the bot call stops and nothing more is sent. */
  readonly signal: AbortSignal;
  /** Told about every failure that became an error frame (log SWY_ERR_INTERNAL with its cause). */
  readonly onError?: (error: unknown, reported: AppError) => void;
  /**
   * WS_MAX_QUEUED_FRAMES and WS_MAX_QUEUED_BYTES: how many messages, and how many bytes of
   * them, may wait for their answer (the one being answered included). One more: `close` is
   * called with 1008 and every later message is dropped.
   */
  readonly limits: { readonly frames: number; readonly bytes: number };
  /** Closes the socket; called once, when the queue overflows. */
  readonly close: (code: number, reason: string) => void;
}

export interface StreamConversation {
  /**
   * One incoming WebSocket message: its text, or `null` for a binary frame, and its size in
   * bytes. Messages are handled one at a time, in order; the promise settles when this one has
   * been answered (at once when it was dropped).
   */
  receive(text: string | null, bytes: number): Promise<void>;
}

/**
 * The protocol of `/v1/bots/:botId/stream`, once for both apps: parse and check each frame,
 * stream the reply as `chunk` frames, then `done` with the stored ids, or an `error` frame with
 * the envelope. The connection stays open after an error. How the socket is accepted and
 * authenticated is the framework's part, and that is where the apps differ.
 */
export function streamConversation(options: StreamConversationOptions): StreamConversation {
  const { chat, principal, botId, send, signal } = options;
  const check = options.validator.compile<StreamClientFrame>(StreamClientFrameSchema, 'body');

  async function answer(text: string | null): Promise<void> {
    if (signal.aborted) return;
    try {
      let parsed: unknown;
      try {
        if (text === null) throw new Error('binary frame');
        parsed = JSON.parse(text);
      } catch (error) {
        throw new AppError('SWY_ERR_MALFORMED_JSON', { cause: error });
      }
      const checked = check(parsed);
      if ('error' in checked) throw checked.error;
      const { text: message, conversationId, idempotencyKey } = checked.value;
      const result = await chat.stream(
        principal,
        botId,
        conversationId === undefined ? { text: message } : { text: message, conversationId },
        { signal, onChunk: (delta) => send({ type: 'chunk', delta }), idempotencyKey },
      );
      await send({
        type: 'done',
        conversationId: result.conversationId,
        messageId: result.message.id,
        replyId: result.reply.id,
        text: result.reply.text,
      });
    } catch (error) {
      if (signal.aborted) return;
      const reported = toAppError(error);
      options.onError?.(error, reported);
      // A rate limit's Retry-After travels in the frame: a socket has no headers after the upgrade.
      const retryAfter = Number(reported.headers?.['Retry-After']);
      const frame: OutgoingFrame = {
        type: 'error',
        ...(retryAfter > 0 ? { retryAfter } : {}),
        ...reported.toEnvelope(),
      };
      await Promise.resolve(send(frame)).catch(() => undefined);
    }
  }

  // The queue is a promise chain; what bounds it is the count of messages (and bytes) on it.
  let queue = Promise.resolve();
  let waitingFrames = 0;
  let waitingBytes = 0;
  let overflowed = false;
  return {
    receive(text, bytes) {
      if (overflowed || signal.aborted) return Promise.resolve();
      if (
        waitingFrames + 1 > options.limits.frames ||
        waitingBytes + bytes > options.limits.bytes
      ) {
        overflowed = true;
        options.close(QUEUE_FULL_CLOSE_CODE, QUEUE_FULL_REASON);
        return Promise.resolve();
      }
      waitingFrames += 1;
      waitingBytes += bytes;
      const next = queue
        .then(() => answer(text))
        .finally(() => {
          waitingFrames -= 1;
          waitingBytes -= bytes;
        });
      queue = next;
      return next;
    },
  };
}
