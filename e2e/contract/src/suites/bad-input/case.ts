import { randomUUID } from 'node:crypto';
import {
  USERNAME_PATTERN,
  type ApiRouteName,
  type ErrorCodeValue,
  type ErrorDetail,
} from '@switchyard/api-spec';
import { BODY_LIMIT_BYTES } from '@switchyard/testing';

// The shape of a bad-input case and the values the tables share; the tables are the files
// beside this one, the runner is ../bad-input.ts.

export interface Account {
  readonly username: string;
  readonly password: string;
  readonly token: string;
}

/** What the cases can refer to; made in beforeAll. */
export interface Context {
  readonly alice: Account;
  readonly bob: Account;
  /** A token whose session was ended with DELETE /v1/sessions/current. */
  readonly loggedOutToken: string;
  /** Alice's conversation with the echo bot. */
  readonly aliceConversation: string;
  /** A token of the short-lived environment (SESSION_TTL_SECONDS=60) and when it expires. */
  readonly expiringToken: string;
  readonly expiresAt: string;
}

/** Whose bearer token the request carries. `expired` also sends it to the short-TTL app. */
export type Who = 'alice' | 'bob' | 'loggedOut' | 'expired';

export type Dyn<T> = T | ((ctx: Context) => T);

/** A JSON value (a case's body), never a function, so that `(c) => …` bodies are typed. */
export type Json =
  string | number | boolean | null | readonly unknown[] | { readonly [key: string]: unknown };

export interface Expectation {
  /** HTTP status; for a WebSocket, 101 when the upgrade must succeed. */
  readonly status: number;
  /** The error code; absent for a case that must succeed. */
  readonly code?: ErrorCodeValue;
  /** The error message when it is not the catalogue's default. */
  readonly message?: string;
  /** The exact `details`; when absent for SWY_ERR_VALIDATION, only their shape is checked. */
  readonly details?: readonly ErrorDetail[];
  /** The exact `Allow` header (405). */
  readonly allow?: string;
}

export interface HttpCase extends Expectation {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  /** Sent as it is, query string included (superagent does not re-encode `%`). */
  readonly path: Dyn<string>;
  readonly as?: Who;
  readonly headers?: Dyn<Readonly<Record<string, string>>>;
  /** A string is sent byte for byte; anything else as JSON.stringify of it. */
  readonly body?: Dyn<Json>;
  /** Default `application/json` when there is a body; `null` sends no Content-Type at all. */
  readonly contentType?: string | null;
  /** The route whose OpenAPI entry the response must match (none for 404/405 routing). */
  readonly route?: ApiRouteName;
  /** For a case that must succeed: a subset of the JSON body. */
  readonly reply?: Dyn<object>;
}

export interface WsCase extends Expectation {
  readonly name: string;
  readonly ws: {
    readonly bot: string;
    /** Token in the Authorization header. */
    readonly as?: Who;
    readonly headers?: Readonly<Record<string, string>>;
    readonly protocols?: readonly string[];
    /** After the upgrade: a string is sent as a text frame, a Buffer as a binary frame. */
    readonly frame?: string | Buffer;
  };
  /** The server closes the socket with this code instead of answering with a frame. */
  readonly closeCode?: number;
}

export type BadInputCase = HttpCase | WsCase;

export const V = 'SWY_ERR_VALIDATION' as const;
export const detail = (path: string, message: string): ErrorDetail => ({ path, message });
export const fresh = () => `b-${randomUUID().slice(0, 12)}`;
export const b64 = (value: string) => Buffer.from(value).toString('base64url');
export const PASSWORD = 'long enough password';
export const UNKNOWN_ID = randomUUID();
/** ASCII letters, digits, _ . - and their fullwidth forms (RFC 8265 maps those to ASCII). */
export const USERNAME_PATTERN_MESSAGE = `must match pattern "${USERNAME_PATTERN}"`;
export const MUST_BE_OBJECT = [detail('/body', 'must be object')];
export const BAD_URL = [detail('', 'the URL path is not valid percent-encoding')];
export const UUID_FORMAT = 'must match format "uuid"';
/** The detail of a string with a lone surrogate (the RequestValidator's ILL_FORMED). */
export const ILL_FORMED = 'must be well-formed Unicode (no lone surrogates)';
/** A UUID in its URN form: ajv-formats' `uuid` takes it, PostgreSQL's uuid type does not. */
export const URN_UUID = `urn:uuid:${UNKNOWN_ID}`;
export const OVER_LIMIT = 'x'.repeat(BODY_LIMIT_BYTES + 10);
export const EMOJI = 'hi 😀🎉👩‍👩‍👧 🇺🇳';
export const RTL = '\u202Eevil\u202C مرحبا بالعالم שלום';
export const COMBINING = 'Z\u0351\u0364a\u0302l\u0336g\u0314o e\u0301';

/** For the cases that must succeed: the echo bot answers `echo: <text>`, unchanged. */
export const echoes = (text: string) => ({
  botId: 'echo',
  message: { role: 'user', text },
  reply: { role: 'bot', text: `echo: ${text}` },
});
