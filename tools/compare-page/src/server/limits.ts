// Every bound of the page's server, in one place (tools/compare-page/README.md#bounds). The page
// listens on loopback and its buttons generate load, so each endpoint has a ceiling.

/** The ensemble bot's fan-out, ENSEMBLE_SOURCES: the apps accept 1 to 100. */
export const K_MIN = 1;
export const K_MAX = 100;
/** How long one scenario loads the apps, in seconds. */
export const DURATION_MIN_S = 1;
export const DURATION_MAX_S = 30;
/** Clients logging in at once in the login storm. */
export const STORM_CLIENTS_MAX = 20;
/** The proxied upstream's delay, in ms (the apps' proxy timeout is 10 s). */
export const PROXY_DELAY_MAX_MS = 3000;
/** Clients of the proxy scenario: PROXY_MAX_CONCURRENT_PER_ACCOUNT's default is 10. */
export const PROXY_CLIENTS = 10;
/** Sockets of the WebSocket scenario: WS_MAX_SOCKETS_PER_ACCOUNT's default is 8. */
export const WS_SOCKETS_MAX = 8;
/** Largest request body of the page's own API (its JSON settings). */
export const API_BODY_LIMIT_BYTES = 4 * 1024;
/** Largest OTLP export request: one batch of 512 spans of an ensemble trace fits in well under it. */
export const OTLP_BODY_LIMIT_BYTES = 4 * 1024 * 1024;
/** Spans kept from the apps' exports, oldest out first. */
export const MAX_SPANS = 20_000;
/** Rows of one waterfall: a K = 100 trace has about 130 spans. */
export const MAX_WATERFALL_ROWS = 300;
/** Pages subscribed to the live metrics (server-sent events) at once. */
export const MAX_LIVE_CLIENTS = 8;
/** Seconds of live metrics kept for a page that opens later. */
export const LIVE_HISTORY = 180;
/** Timeout of each request a scenario sends. */
export const REQUEST_TIMEOUT_MS = 15_000;
