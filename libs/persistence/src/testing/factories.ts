import { randomUUID } from 'node:crypto';
import type { CreateAccountBody } from '@switchyard/api-spec';

export function buildAccount(overrides: Partial<CreateAccountBody> = {}): CreateAccountBody {
  return {
    username: `user-${randomUUID().slice(0, 8)}`,
    password: 'correct horse battery staple',
    ...overrides,
  };
}
