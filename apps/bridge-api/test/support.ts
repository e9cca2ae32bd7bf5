import type { RouteGroup } from '@switchyard/api-spec';

/**
 * The bridge state the trap, path-bypass and token tests are written against, whatever MOVED
 * says today: each side serves something that needs a token, Fastify the bots (a read and the
 * message write), Express the conversations, the accounts and the proxy. The contract suite
 * runs MOVED itself.
 */
export const SPLIT: readonly RouteGroup[] = ['health', 'docs', 'bots'];
