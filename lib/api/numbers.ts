// Number lexing shared by the JSON codec (codec.ts) and the operator text formats
// (resources-text.ts), so that both read numbers the same way and neither can regress alone.
//
// Numbers reach these functions straight from request bodies and flags, so every check here runs in
// time linear in its input. The trap is a pattern such as `\d+\.?\d*` that can split a run of
// digits in many ways: on 40,000 digits followed by junk it backtracks quadratically (1.3 s, and
// hours for 10 MB). In the patterns below each digit can be matched by one quantifier only.

/** A decimal with optional sign, fraction and exponent: `12`, `-1.5`, `.5`, `1.`, `+1e-3`. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** An integer with an optional sign: `12`, `-7`, `+007`. */
const INTEGER = /^[+-]?\d+$/;
/** nan, inf and infinity in any case, with an optional sign. */
const NON_FINITE = /^([+-]?)(nan|inf|infinity)$/i;
/** A hexadecimal integer with an optional sign: `0x1f`, `-0X1F`. */
const HEXADECIMAL = /^([+-]?)0[xX]([0-9a-fA-F]+)$/;
/** What a range bound may be: `-` separates the bounds there, so the only sign is `+`. */
const UNSIGNED = /^\+?\d+$/;
const UNSIGNED_HEXADECIMAL = /^0[xX][0-9a-fA-F]+$/;

/** True for a decimal number (sign, fraction and exponent optional) and nothing else. */
export function isDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

/** True for an optionally signed run of decimal digits. */
export function isInteger(text: string): boolean {
  return INTEGER.test(text);
}

/**
 * The number of digits of an integer text (see `isInteger`) once its sign and leading zeros are
 * dropped: `-007` has 1 and `0` has none. Lets callers reject an integer that is out of every
 * range before calling BigInt(), which is superlinear in the length of its input.
 */
export function significantDigits(integerText: string): number {
  let start = integerText.startsWith('+') || integerText.startsWith('-') ? 1 : 0;
  while (start < integerText.length && integerText[start] === '0') start++;
  return integerText.length - start;
}

/**
 * A double as stout's `numify<double>` reads it (Mesos's `values::parse` uses it for scalars):
 * `boost::lexical_cast<double>` accepts a decimal or nan/inf/infinity in any case, each with an
 * optional sign, and numify adds hexadecimal integers (`0x1f`, `-0x1f`). Undefined otherwise.
 */
export function numifyDouble(text: string): number | undefined {
  if (DECIMAL.test(text)) return Number(text);
  const special = NON_FINITE.exec(text);
  if (special !== null) {
    const magnitude = special[2]!.toLowerCase() === 'nan' ? Number.NaN : Number.POSITIVE_INFINITY;
    return special[1] === '-' ? -magnitude : magnitude;
  }
  const hex = HEXADECIMAL.exec(text);
  if (hex !== null) {
    const magnitude = Number.parseInt(hex[2]!, 16);
    return hex[1] === '-' ? -magnitude : magnitude;
  }
  return undefined;
}

/**
 * A range bound as `numify<uint64_t>` reads it: decimal (with an optional `+`) or hexadecimal
 * digits. Undefined for anything else and for values beyond 2^53 - 1: Mesos's bounds are uint64,
 * ours must stay exact JavaScript integers.
 */
export function numifyUnsigned(text: string): number | undefined {
  if (!UNSIGNED.test(text) && !UNSIGNED_HEXADECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Shortens a value quoted in an error message: its first 40 characters, then `...`. */
export function truncate(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
