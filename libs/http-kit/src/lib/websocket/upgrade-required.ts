import { AppError } from '@switchyard/api-spec';

/**
 * The answer to a plain GET (no `Upgrade: websocket`) on a WebSocket route, once its params are
 * valid and its bot exists: 400 SWY_ERR_VALIDATION naming the header, the same in both apps.
 */
export function upgradeRequired(): AppError {
  return new AppError('SWY_ERR_VALIDATION', {
    details: [{ path: '/headers/upgrade', message: 'must be websocket' }],
  });
}
