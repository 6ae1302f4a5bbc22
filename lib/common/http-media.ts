// Mesos's v1 API request rules (mesos-api.md sections 1.1 and 3.1), as pure functions over header
// values and body text, so that every v1 endpoint (scheduler, executor, operator) checks requests
// the same way and the rules are testable without sockets.
//
// The order a v1 handler applies them in is Mesos's (`Master::Http::scheduler`): the method (the
// router), leadership (the master), `requestContentType`, then the body through `parseJsonBody`
// and `decodeCall` (or `readCall` in http.ts, which does all three), and only for streaming calls
// `negotiateJsonAccept`.

import { decode, parseJson, type MessageName } from '../api/codec.ts';
import type { MessageTypes } from '../types/registry.ts';
import { MesosError } from './errors.ts';

export const APPLICATION_JSON = 'application/json';
export const APPLICATION_PROTOBUF = 'application/x-protobuf';

/** The two encodings of the v1 APIs. */
export type MediaType = typeof APPLICATION_JSON | typeof APPLICATION_PROTOBUF;

/**
 * The request body's encoding, from the `Content-Type` header. Mesos compares the header with
 * the two media types as exact strings, so `application/json; charset=utf-8` is refused (415)
 * like any other value; clients written for Mesos never send parameters.
 *
 * We do not speak protobuf yet, so `application/x-protobuf` is refused with 415 too, with a
 * message that says so rather than Mesos's generic one.
 */
export function requestContentType(contentType: string | undefined): typeof APPLICATION_JSON {
  if (contentType === undefined) {
    throw new MesosError('BAD_REQUEST', "Expecting 'Content-Type' to be present");
  }
  if (contentType === APPLICATION_JSON) return APPLICATION_JSON;
  if (contentType === APPLICATION_PROTOBUF) {
    throw new MesosError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Expecting 'Content-Type' of ${APPLICATION_JSON}: mesos-ts does not speak protobuf ` +
        `(${APPLICATION_PROTOBUF}) yet`,
    );
  }
  throw new MesosError(
    'UNSUPPORTED_MEDIA_TYPE',
    `Expecting 'Content-Type' of ${APPLICATION_JSON} or ${APPLICATION_PROTOBUF}`,
  );
}

/**
 * Whether an `Accept` header allows `mediaType` (`type/subtype`), as libprocess decides it
 * (`Request::acceptsMediaType`): a missing header allows everything; otherwise the most specific
 * range that matches decides (`type/subtype`, then `type/*`, then `*\/*`), and it allows the type
 * unless its `q` is 0. Worked examples for application/json:
 *   `application/json;q=0.5`          -> allowed (any q above 0 allows)
 *   `application/*;q=0, *\/*`         -> refused (application/* is more specific than *\/*)
 *   `text/html`                       -> refused (nothing matches)
 * Unlike libprocess we compare media types case-insensitively, as RFC 9110 says they are.
 */
export function acceptsMediaType(accept: string | undefined, mediaType: string): boolean {
  if (accept === undefined) return true;
  const [type, subtype] = mediaType.toLowerCase().split('/');
  const candidates = [`${type}/${subtype}`, `${type}/*`, '*/*'];
  const ranges = parseAccept(accept);
  for (const candidate of candidates) {
    const range = ranges.find((r) => r.range === candidate);
    if (range !== undefined) return range.q > 0;
  }
  return false;
}

interface AcceptRange {
  readonly range: string;
  readonly q: number;
}

// Accept = #( media-range [ weight ] ); parameters other than q are ignored, as libprocess does.
// A q that does not parse counts as 1, the default, rather than failing the request.
function parseAccept(accept: string): AcceptRange[] {
  const ranges: AcceptRange[] = [];
  for (const element of accept.split(',')) {
    const [range = '', ...params] = element.split(';').map((part) => part.trim());
    if (range === '') continue;
    let q = 1;
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'q') continue;
      const value = Number(param.slice(eq + 1).trim());
      if (Number.isFinite(value)) q = value;
    }
    ranges.push({ range: range.toLowerCase(), q });
  }
  return ranges;
}

/**
 * The response encoding for a streaming call (SUBSCRIBE, RECONCILE_OPERATIONS), as Mesos picks it:
 * JSON whenever the client allows it, whatever the q values say, else protobuf, else 406.
 */
export function negotiateAccept(accept: string | undefined): MediaType {
  if (acceptsMediaType(accept, APPLICATION_JSON)) return APPLICATION_JSON;
  if (acceptsMediaType(accept, APPLICATION_PROTOBUF)) return APPLICATION_PROTOBUF;
  throw new MesosError(
    'NOT_ACCEPTABLE',
    `Expecting 'Accept' to allow '${APPLICATION_PROTOBUF}' or '${APPLICATION_JSON}'`,
  );
}

/**
 * `negotiateAccept` for a server that only writes JSON (ours, for now): a client that allows
 * protobuf but not JSON gets 406 with a message saying why, rather than a stream it cannot read.
 */
export function negotiateJsonAccept(accept: string | undefined): typeof APPLICATION_JSON {
  if (negotiateAccept(accept) === APPLICATION_JSON) return APPLICATION_JSON;
  throw new MesosError(
    'NOT_ACCEPTABLE',
    `Expecting 'Accept' to allow '${APPLICATION_JSON}': mesos-ts does not speak protobuf ` +
      `(${APPLICATION_PROTOBUF}) yet`,
  );
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses a request body as JSON, failing as Mesos does: 400 "Failed to parse body into JSON: …".
 * Bytes that are not UTF-8 fail the same way; decoding them leniently would turn them into U+FFFD
 * and store a corrupted string.
 */
export function parseJsonBody(body: string | Uint8Array): unknown {
  let text: string;
  if (typeof body === 'string') {
    text = body;
  } else {
    try {
      text = UTF8.decode(body);
    } catch (err) {
      throw new MesosError('INVALID_JSON', 'Failed to parse body into JSON: the body is not valid UTF-8', { cause: err });
    }
  }
  try {
    return parseJson(text);
  } catch (err) {
    throw new MesosError('INVALID_JSON', `Failed to parse body into JSON: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Converts a parsed body into the call message `type`, failing as Mesos does: 400 "Failed to
 * convert JSON into Call protobuf: <path>: <what>". `what` names the message in that text; every
 * v1 endpoint's request message is called Call.
 */
export function decodeCall<K extends MessageName>(type: K, json: unknown, what = 'Call'): MessageTypes[K] {
  try {
    return decode(type, json);
  } catch (err) {
    if (!(err instanceof MesosError) || err.code !== 'INVALID_MESSAGE') throw err;
    throw new MesosError('INVALID_MESSAGE', `Failed to convert JSON into ${what} protobuf: ${err.message}`, { cause: err });
  }
}

const JSONP_CALLBACK = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;
const MAX_JSONP_CALLBACK = 128;

/**
 * Checks a `?jsonp=` callback name. Mesos echoes any value into a text/javascript body, which lets
 * a crafted link run script in the web UI's origin; we accept only a dotted JavaScript identifier
 * path such as `angular.callbacks._0` (what the web UI sends), up to 128 characters.
 */
export function validateJsonpCallback(name: string): string {
  if (name.length <= MAX_JSONP_CALLBACK && JSONP_CALLBACK.test(name)) return name;
  throw new MesosError(
    'BAD_REQUEST',
    "Invalid 'jsonp' callback: expected a JavaScript identifier path such as 'angular.callbacks._0' " +
      `of at most ${MAX_JSONP_CALLBACK} characters`,
  );
}
