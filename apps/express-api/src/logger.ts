import { LOG_REDACT_PATHS, type Config } from '@switchyard/runtime';
import { pino, type DestinationStream, type Logger } from 'pino';

// #region guide:logger
/** The app's pino logger at LOG_LEVEL, with the shared redaction (LOG_REDACT_PATHS). */
export function createLogger(
  config: Pick<Config, 'LOG_LEVEL'>,
  destination?: DestinationStream,
): Logger {
  const options = {
    level: config.LOG_LEVEL,
    redact: { paths: [...LOG_REDACT_PATHS], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
// #endregion guide:logger
