/** The authenticated caller, as the auth step hands it to the routes. */
export interface Principal {
  readonly accountId: string;
  readonly username: string;
  /** SHA-256 of the bearer token, so the session can be ended. */
  readonly tokenHash: string;
  /** When the session ends (ISO 8601): an open WebSocket is closed then. */
  readonly expiresAt: string;
}
