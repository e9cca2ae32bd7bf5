import type { Router } from '@switchyard/router';
import type { PasswordHasher } from '../auth/password.js';
import { bots as defaultBots, type BotClass } from '../bots/index.js';
import type { Database } from '@switchyard/persistence';
import type { UpstreamClient } from '../upstream/index.js';
import { AccountsService } from './accounts.service.js';
import { ChatService } from './chat.service.js';
import { ConversationsService } from './conversations.service.js';
import { OpenSockets } from './open-sockets.js';

export interface ServiceDependencies {
  readonly db: Database;
  /** The app's choice: the sync scrypt form (Express) or the async one (Fastify). */
  readonly passwords: PasswordHasher;
  /** The app's choice of transport, timeouts and fan-out. */
  readonly upstream: UpstreamClient;
  readonly bots?: Router<BotClass>;
  // Settings, required: their defaults live once, in the config schema (@switchyard/runtime).
  /** ENSEMBLE_SOURCES */
  readonly ensembleSources: number;
  /** SESSION_TTL_SECONDS */
  readonly sessionTtlSeconds: number;
}

export interface Services {
  readonly db: Database;
  readonly accounts: AccountsService;
  readonly chat: ChatService;
  readonly conversations: ConversationsService;
  /** The app instance's open WebSockets, by session and account (closed on logout, expiry). */
  readonly sockets: OpenSockets;
}

/** Everything the routes call, wired once per app. */
export function createServices(deps: ServiceDependencies): Services {
  return {
    db: deps.db,
    accounts: new AccountsService(deps.db, deps.passwords, deps.sessionTtlSeconds),
    chat: new ChatService(
      deps.db,
      { upstream: deps.upstream, ensembleSources: deps.ensembleSources },
      deps.bots ?? defaultBots,
    ),
    conversations: new ConversationsService(deps.db),
    sockets: new OpenSockets(),
  };
}
