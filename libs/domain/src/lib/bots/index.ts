// Importing a bot module registers it; this barrel imports them all.
export { bots, chunksOf, streamReply } from './bot.js';
export type { Bot, BotClass, BotContext, BotInfo, BotInput } from './bot.js';
export { EchoBot } from './echo.bot.js';
export { ModelBot } from './model.bot.js';
export { EnsembleBot } from './ensemble.bot.js';
