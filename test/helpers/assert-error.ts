// Assertions on MesosErrors, for every suite that checks what an error says: its registered code
// and its message. Anything thrown that is not a MesosError is a crash (a TypeError, a RangeError)
// and is rethrown as it is, so the test report shows its stack rather than a failed comparison.

import * as assert from 'uvu/assert';
import { MesosError } from '../../lib/common/errors.ts';
import type { ErrorCode } from '../../lib/common/errors.ts';

/**
 * No error message may be this long. Messages quote the offending input, truncated; a hostile
 * 10 MB value must not come back whole inside one.
 */
const MAX_MESSAGE_LENGTH = 1000;

function check(err: unknown, code: ErrorCode, message: string | RegExp | undefined): MesosError {
  if (!(err instanceof MesosError)) throw err;
  assert.is(err.code, code, err.message);
  if (typeof message === 'string') assert.is(err.message, message);
  else if (message !== undefined) assert.match(err.message, message);
  assert.ok(err.message.length < MAX_MESSAGE_LENGTH, `error message of ${err.message.length} characters`);
  return err;
}

/**
 * Asserts that `fn` throws a MesosError with `code` and, if given, `message` (compared exactly when
 * a string, matched when a RegExp). Returns the error.
 */
export function rejects(fn: () => unknown, code: ErrorCode, message?: string | RegExp): MesosError {
  try {
    fn();
  } catch (err) {
    return check(err, code, message);
  }
  assert.unreachable(`expected a MesosError with code ${code}`);
  throw new Error('unreachable');
}

/** `rejects` for a promise: asserts it rejects with such a MesosError, and returns the error. */
export async function rejectsAsync(promise: Promise<unknown>, code: ErrorCode, message?: string | RegExp): Promise<MesosError> {
  try {
    await promise;
  } catch (err) {
    return check(err, code, message);
  }
  assert.unreachable(`expected a rejection with a MesosError with code ${code}`);
  throw new Error('unreachable');
}
