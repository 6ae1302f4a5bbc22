// JSON values over a Store: the registry keeps Mesos messages as their JSON form, UTF-8 encoded.
// A stored value that does not decode is STORE_CORRUPT (the disk or another writer is at fault,
// not the request); a value that cannot be encoded is STORE_INVALID_OP (the caller is at fault).

import { MesosError } from '../common/errors.ts';
import { quoteKey } from './store.ts';
import type { Store, StoreOp } from './store.ts';

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** `value` as UTF-8 JSON, for storing at `key` (named in the error when it has no JSON form). */
export function encodeJson(key: string, value: unknown): Uint8Array {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new MesosError('STORE_INVALID_OP', `Cannot store the value for key ${quoteKey(key)} as JSON: ${(err as Error).message}`, { cause: err });
  }
  // JSON.stringify gives undefined for undefined, functions and symbols.
  if (text === undefined) throw new MesosError('STORE_INVALID_OP', `Cannot store the value for key ${quoteKey(key)} as JSON: it is ${typeof value}`);
  return encoder.encode(text);
}

/**
 * The JSON value stored at `key`. The type parameter is the caller's claim about the shape, not a
 * check: callers that need one convert the result through the codec (lib/api/codec.ts).
 */
export function decodeJson<T = unknown>(key: string, bytes: Uint8Array): T {
  try {
    return JSON.parse(decoder.decode(bytes)) as T;
  } catch (err) {
    throw new MesosError('STORE_CORRUPT', `The value stored at key ${quoteKey(key)} is not valid UTF-8 JSON: ${(err as Error).message}`, { cause: err });
  }
}

/** The JSON value at `key`, or undefined when there is none. */
export async function getJson<T = unknown>(store: Pick<Store, 'get'>, key: string): Promise<T | undefined> {
  const bytes = await store.get(key);
  return bytes === undefined ? undefined : decodeJson<T>(key, bytes);
}

/** Stores `value` at `key` as JSON; durable when it resolves, as `Store.put`. */
export async function putJson(store: Pick<Store, 'put'>, key: string, value: unknown): Promise<void> {
  await store.put(key, encodeJson(key, value));
}

/** A batch operation storing `value` at `key` as JSON. */
export function putJsonOp(key: string, value: unknown): StoreOp {
  return { type: 'put', key, value: encodeJson(key, value) };
}
