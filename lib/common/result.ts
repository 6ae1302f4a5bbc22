// The outcome of an operation that is expected to fail sometimes, such as parsing user input: the
// value, or an error message that names what was wrong. Failure is a value here rather than an
// exception, so callers decide whether it becomes a MesosError (and with which code).

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: string): Result<T> {
  return { ok: false, error };
}
