import { randomUUID } from 'node:crypto';
import { AppError } from '@switchyard/api-spec';
import { statement, type Queryable } from '../db/database.js';
import { isUniqueViolation, iso } from './rows.js';

export interface Account {
  readonly id: string;
  readonly username: string;
  readonly createdAt: string;
}

export interface AccountWithHash extends Account {
  readonly passwordHash: string;
}

interface AccountRow {
  id: string;
  username: string;
  password_hash: string;
  created_at: Date;
}

// Named statements (see `statement`): each is parsed and planned once per pooled connection.
const CREATE = statement(
  'accounts.create',
  `INSERT INTO accounts (id, username, password_hash) VALUES ($1, $2, $3)
   RETURNING id, username, password_hash, created_at`,
);
const FIND_BY_USERNAME = statement(
  'accounts.find-by-username',
  `SELECT id, username, password_hash, created_at FROM accounts WHERE lower(username) = lower($1)`,
);

const toAccount = (row: AccountRow): AccountWithHash => ({
  id: row.id,
  username: row.username,
  passwordHash: row.password_hash,
  createdAt: iso(row.created_at),
});

export class AccountsRepository {
  constructor(private readonly db: Queryable) {}

  /** Throws SWY_ERR_USERNAME_TAKEN when the username exists in any letter case. */
  async create(input: { username: string; passwordHash: string }): Promise<Account> {
    try {
      const { rows } = await this.db.query<AccountRow>(
        CREATE([randomUUID(), input.username, input.passwordHash]),
      );
      const { passwordHash: _hash, ...account } = toAccount(rows[0]!);
      return account;
    } catch (error) {
      if (isUniqueViolation(error, 'accounts_username_lower_key')) {
        throw new AppError('SWY_ERR_USERNAME_TAKEN', { cause: error });
      }
      throw error;
    }
  }

  async findByUsername(username: string): Promise<AccountWithHash | undefined> {
    // PostgreSQL text cannot hold a NUL character, so no stored username has one; asking would
    // be an encoding error (a 500), not the "no such user" it is.
    if (username.includes('\u0000')) return undefined;
    const { rows } = await this.db.query<AccountRow>(FIND_BY_USERNAME([username]));
    return rows[0] ? toAccount(rows[0]) : undefined;
  }
}
