// The one registry of mesos-ts error codes. Every error that crosses a module boundary is a
// MesosError carrying one of these codes; HTTP handlers turn codes into statuses through
// `httpStatus()` and the CLI turns them into exit codes through `exitCode()`, and nowhere else.
// docs/errors.md documents each code; test/unit/common/errors.test.ts keeps the two in step.

export interface ErrorSpec {
  /** The HTTP status a request failing with this code gets. */
  readonly status: number;
  /** The process exit code a CLI command failing with this code ends with. */
  readonly exit: number;
  /** One line for docs/errors.md: when this error happens. */
  readonly doc: string;
}

// Exit codes follow sysexits(3) where one fits: 64 usage, 65 bad data, 69 unavailable,
// 70 internal software error, 74 I/O error, 75 temporary failure (try again later).
export const ERRORS = {
  INVALID_JSON: { status: 400, exit: 65, doc: 'A body or file is not valid JSON.' },
  INVALID_MESSAGE: {
    status: 400, exit: 65,
    doc: 'JSON does not convert into the expected Mesos message (wrong type, missing required field); the message names the field path.',
  },
  RECORDIO_MALFORMED: { status: 400, exit: 65, doc: 'A RecordIO stream has a malformed record length prefix.' },
  RECORDIO_TOO_LARGE: { status: 413, exit: 65, doc: 'A RecordIO record is longer than the configured maximum record size.' },
  RECORDIO_TRUNCATED: { status: 400, exit: 65, doc: 'A RecordIO stream ended in the middle of a record.' },
  RECORDIO_EMPTY_RECORD: { status: 400, exit: 65, doc: 'A RecordIO record has length 0 (Mesos never writes one).' },
  RECORDIO_BAD_JSON: { status: 400, exit: 65, doc: 'A RecordIO record is not valid UTF-8 JSON; the message gives the record index.' },
  INVALID_RESOURCES: { status: 400, exit: 65, doc: 'Resources fail validation or the `--resources` text does not parse.' },
  INVALID_ROLE: { status: 400, exit: 65, doc: 'A role name breaks Mesos\'s role-name rules.' },
  INVALID_FLAG: { status: 400, exit: 64, doc: 'A command-line flag or its value is invalid.' },
  BAD_REQUEST: {
    status: 400, exit: 64,
    doc: 'A request breaks a rule of the HTTP API (a missing header, a bad query parameter); the message says which, in Mesos\'s words where Mesos has them.',
  },
  NOT_FOUND: { status: 404, exit: 64, doc: 'No HTTP endpoint has the requested path, or an operator call names a container that does not exist.' },
  METHOD_NOT_ALLOWED: {
    status: 405, exit: 64,
    doc: 'The endpoint does not take the request\'s method; the response\'s `Allow` header lists the methods it takes.',
  },
  FORBIDDEN: {
    status: 403, exit: 77,
    doc: 'The caller may not make this call now: e.g. a scheduler call from a framework that is not subscribed.',
  },
  CONFLICT: {
    status: 409, exit: 75,
    doc: 'An operator call conflicts with the cluster\'s state (resources to reserve or unreserve are not available on the agent, a maintenance change that breaks the schedule); the message says what.',
  },
  NOT_ACCEPTABLE: {
    status: 406, exit: 64,
    doc: 'The request\'s `Accept` header allows no encoding we write (JSON; protobuf is not spoken yet).',
  },
  REQUEST_TIMEOUT: {
    status: 408, exit: 74,
    doc: 'A request body did not arrive within the body-read timeout; the connection is closed.',
  },
  BODY_TOO_LARGE: {
    status: 413, exit: 65,
    doc: 'A request body is larger than the server\'s limit (by its `Content-Length` or by the bytes received); the connection is closed.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415, exit: 65,
    doc: 'The request\'s `Content-Type` is not exactly `application/json` (protobuf is not spoken yet).',
  },
  UNREACHABLE: {
    status: 502, exit: 69,
    doc: 'A client (mesosctl) could not reach a master or agent (connection refused, unknown host, no answer); the message names the address and what to check.',
  },
  LISTEN_FAILED: {
    status: 500, exit: 69,
    doc: 'An HTTP server could not bind its address (in use, unavailable, not permitted); the message names the address.',
  },
  CGROUPS_DETECT_FAILED: { status: 500, exit: 74, doc: 'The cgroup hierarchies could not be read from the mount table.' },
  CGROUPS_OPERATION_FAILED: {
    status: 500, exit: 74,
    doc: 'A cgroup operation of the containerizer failed or was refused (a system call on a cgroup file, a controller that is not mounted or not enabled, a container id that breaks the naming rules, processes that would not die); the message quotes the system call and the path, or names what was refused.',
  },
  INVALID_ALLOCATOR_EVENT: {
    status: 500, exit: 70,
    doc: 'The allocator core rejected an event batch (a bug in the facade): the message names the event.',
  },
  NATIVE_LOAD_FAILED: { status: 500, exit: 70, doc: 'The native addon or the mesos-containerizer executable is missing or failed to load.' },
  STORE_LOCKED: {
    status: 503, exit: 75,
    doc: 'The store\'s directory is locked by another process or another open store (LevelDB\'s LOCK file); the message names the directory.',
  },
  STORE_IO: { status: 500, exit: 74, doc: 'The store\'s directory cannot be created, read or written; the message names the directory and quotes LevelDB or the OS.' },
  STORE_CORRUPT: { status: 500, exit: 74, doc: 'LevelDB reports its files damaged, or a stored value is not the UTF-8 JSON it should be; the message names the directory or the key.' },
  STORE_CLOSED: { status: 503, exit: 69, doc: 'The store was used after `close()` was called.' },
  STORE_INVALID_OP: {
    status: 500, exit: 70,
    doc: 'A store call has an invalid key, value or batch operation (a bug in the caller); the message names it, and nothing was written.',
  },
  SERVICE_UNAVAILABLE: {
    status: 503, exit: 75,
    doc: 'The master cannot serve the request yet (it has not finished recovering its registry); try again.',
  },
  CONTAINER_LAUNCH_FAILED: {
    status: 500,
    exit: 74,
    doc: 'A container could not be started (the launcher failed to clone, join the cgroups, switch user or exec the command); the message says which step failed and why.',
  },
  FETCH_FAILED: {
    status: 500, exit: 74,
    doc: 'The agent could not fetch a task\'s URI into its sandbox (a download, copy or extraction failed, or the URI or output_file is invalid); the message names the URI and says why.',
  },
  FILE_NOT_FOUND: {
    status: 404, exit: 64,
    doc: 'A `/files` path is not attached, does not exist, or leads outside the directory it is attached from (`..`, a symlink out of the sandbox).',
  },
  NOT_IMPLEMENTED: { status: 501, exit: 70, doc: 'The command or call exists but is not built yet.' },
  INTERNAL: { status: 500, exit: 70, doc: 'An unexpected internal error (a bug): the message says what failed.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export class MesosError extends Error {
  override name = 'MesosError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isMesosError(err: unknown): err is MesosError {
  return err instanceof MesosError;
}

function specOf(err: unknown): ErrorSpec {
  if (err instanceof MesosError) return ERRORS[err.code];
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && Object.hasOwn(ERRORS, code)) return ERRORS[code as ErrorCode];
  return ERRORS.INTERNAL;
}

/** The one place an error becomes an HTTP status. */
export function httpStatus(err: unknown): number {
  return specOf(err).status;
}

/** The one place an error becomes a process exit code. */
export function exitCode(err: unknown): number {
  return specOf(err).exit;
}
