import { dictionary } from '@zxcvbn-ts/language-common';

/** Shortest password sign-up accepts (CreateAccountBodySchema): shorter entries cannot occur. */
const MIN_LENGTH = 8;

let common: ReadonlySet<string> | undefined;

/**
 * Whether a password is one of the common ones in @zxcvbn-ts/language-common's ranked list of
 * leaked passwords (about 49 000, 18 000 of them 8 characters or longer), in any letter case.
 * The list is loaded on the first call.
 */
export function isCommonPassword(password: string): boolean {
  common ??= new Set(
    dictionary['passwords-common']
      .filter((p) => p.length >= MIN_LENGTH)
      .map((p) => p.toLowerCase()),
  );
  return common.has(password.toLowerCase());
}
