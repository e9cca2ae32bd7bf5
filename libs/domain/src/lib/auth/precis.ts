/**
 * Usernames and passwords prepared and enforced as RFC 8265 (PRECIS) describes: usernames by the
 * UsernameCaseMapped profile (compared) and UsernameCasePreserved (stored, for display),
 * passwords by OpaqueString. No maintained npm package implements RFC 8264/8265: precis-js
 * 0.1.5 implements the obsoleted RFC 7564 (CoffeeScript, built for Node 0.10), and the
 * maintained neighbours (saslprep, @mongodb-js/saslprep) do SASLprep, RFC 4013, the profile
 * PRECIS replaced. So the derived-property rules of
 * RFC 8264 section 8 are written here with Unicode property escapes: the engine's Unicode
 * version decides what is unassigned, as the RFC allows (it names no fixed version).
 *
 * Left out, and stricter for it: code points that PRECIS allows only in a context (CONTEXTJ
 * joiners, CONTEXTO such as U+00B7) are refused. The Bidi Rule of RFC 5893 is not applied:
 * sign-up also requires the app's ASCII pattern, so no stored username has right-to-left text.
 */

export type Precis =
  { readonly ok: true; readonly value: string } | { readonly ok: false; readonly reason: string };

// RFC 5892 section 2.6, the exceptions PRECIS inherits (RFC 8264 section 9.6).
const EXCEPTION_PVALID = new Set([0x00df, 0x03c2, 0x06fd, 0x06fe, 0x0f0b, 0x3007]);
const EXCEPTION_REFUSED = new Set([
  // DISALLOWED
  0x0640,
  0x07fa,
  0x302e,
  0x302f,
  0x3031,
  0x3032,
  0x3033,
  0x3034,
  0x3035,
  0x303b,
  // CONTEXTO (no context rules here: refused)
  0x00b7,
  0x0375,
  0x05f3,
  0x05f4,
  0x30fb,
  ...Array.from({ length: 10 }, (_, i) => 0x0660 + i),
  ...Array.from({ length: 10 }, (_, i) => 0x06f0 + i),
]);

const UNASSIGNED = /^\p{Cn}$/u;
const ASCII7 = /^[\x21-\x7e]$/u;
const JOIN_CONTROL = /^\p{Join_Control}$/u;
/** Conjoining jamo (Hangul_Syllable_Type L, V or T): RFC 8264 section 9.10. */
const OLD_HANGUL_JAMO = /^[\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff]$/u;
const IGNORABLE = /^[\p{Default_Ignorable_Code_Point}\p{Noncharacter_Code_Point}]$/u;
const CONTROLS = /^\p{Cc}$/u;
const LETTER_DIGITS = /^[\p{Ll}\p{Lu}\p{Lo}\p{Nd}\p{Lm}\p{Mn}\p{Mc}]$/u;
const OTHER_LETTER_DIGITS = /^[\p{Lt}\p{Nl}\p{No}\p{Me}]$/u;
const SPACES = /^\p{Zs}$/u;
const SYMBOLS = /^[\p{Sm}\p{Sc}\p{Sk}\p{So}]$/u;
const PUNCTUATION = /^\p{P}$/u;
/** Code points with a <wide> or <narrow> decomposition: the width mapping rule's domain. */
const WIDE_OR_NARROW = /[\u3000\u20a9\uff01-\uffee]/gu;

const hasCompat = (c: string) => c.normalize('NFKC') !== c;

/** The steps both classes share (RFC 8264 section 8, up to Controls); undefined: go on. */
function common(c: string, cp: number): boolean | undefined {
  if (EXCEPTION_PVALID.has(cp)) return true;
  if (EXCEPTION_REFUSED.has(cp)) return false;
  if (UNASSIGNED.test(c)) return false;
  if (ASCII7.test(c)) return true;
  if (JOIN_CONTROL.test(c) || OLD_HANGUL_JAMO.test(c) || IGNORABLE.test(c) || CONTROLS.test(c))
    return false;
  return undefined;
}

/** IdentifierClass (RFC 8264 section 4.2): letters, digits and printable ASCII. */
export function inIdentifierClass(c: string): boolean {
  const decided = common(c, c.codePointAt(0)!);
  if (decided !== undefined) return decided;
  return !hasCompat(c) && LETTER_DIGITS.test(c);
}

/** FreeformClass (RFC 8264 section 4.3): also spaces, symbols, punctuation, compatibility forms. */
export function inFreeformClass(c: string): boolean {
  const decided = common(c, c.codePointAt(0)!);
  if (decided !== undefined) return decided;
  return (
    hasCompat(c) ||
    LETTER_DIGITS.test(c) ||
    OTHER_LETTER_DIGITS.test(c) ||
    SPACES.test(c) ||
    SYMBOLS.test(c) ||
    PUNCTUATION.test(c)
  );
}

function describe(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

function enforce(value: string, allowed: (c: string) => boolean): Precis {
  if (value.length === 0) return { ok: false, reason: 'must not be empty' };
  for (const c of value) {
    if (!allowed(c)) return { ok: false, reason: `must not contain the character ${describe(c)}` };
  }
  return { ok: true, value };
}

function username(raw: string, caseMapped: boolean): Precis {
  // Preparation (RFC 8265 section 3.3.2): width mapping, then the class check, before any case
  // mapping: U+212A KELVIN SIGN lower-cases to k, so checked later it would pass as k.
  const prepared = enforce(
    raw.replace(WIDE_OR_NARROW, (c) => c.normalize('NFKC')),
    inIdentifierClass,
  );
  if (!prepared.ok) return prepared;
  // Enforcement: no additional mapping; case mapping (Unicode toLowerCase) for the compared
  // form; normalization form C; (the Bidi Rule: see the module comment). Checked once more.
  const mapped = caseMapped ? prepared.value.toLowerCase() : prepared.value;
  return enforce(mapped.normalize('NFC'), inIdentifierClass);
}

/** RFC 8265 section 3.3, UsernameCaseMapped: the form two usernames are compared in. */
export function usernameCaseMapped(raw: string): Precis {
  return username(raw, true);
}

/** RFC 8265 section 3.4, UsernameCasePreserved: the form stored and shown. */
export function usernameCasePreserved(raw: string): Precis {
  return username(raw, false);
}

/** RFC 8265 section 4.2, OpaqueString: what is hashed and compared as the password. */
export function opaqueString(raw: string): Precis {
  const prepared = enforce(raw, inFreeformClass);
  if (!prepared.ok) return prepared;
  // Additional mapping: any non-ASCII space becomes U+0020; no case mapping; then NFC.
  return enforce(prepared.value.replace(/\p{Zs}/gu, ' ').normalize('NFC'), inFreeformClass);
}
