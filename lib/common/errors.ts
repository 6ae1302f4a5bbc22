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
// 70 internal software error, 74 I/O error.
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
  CGROUPS_DETECT_FAILED: { status: 500, exit: 74, doc: 'The cgroup hierarchies could not be read from the mount table.' },
  INVALID_ALLOCATOR_EVENT: {
    status: 500, exit: 70,
    doc: 'The allocator core rejected an event batch (a bug in the facade): the message names the event.',
  },
  NATIVE_LOAD_FAILED: { status: 500, exit: 70, doc: 'The native addon or the mesos-containerizer executable is missing or failed to load.' },
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
