// Mesos's rule for the IDs that name things on disk: task, executor, agent and framework IDs
// become directory names in sandboxes and keys in checkpoints. The master validates IDs that
// frameworks send; the agent checks them again before it makes a path, since it does not take
// its link's word for anything that reaches the filesystem.

/** Linux's NAME_MAX, in bytes: task, executor and framework IDs name directories on the agent. */
const NAME_MAX = 255;

// Control characters, and both path separators, because an ID becomes a path component. Mesos
// tests bytes with `iscntrl` in the C locale, so only ASCII controls count; a space is allowed.
const INVALID_ID_CHARACTERS = /[\x00-\x1f\x7f/\\]/;

/**
 * Mesos's common rule for task, executor, agent and framework IDs (common::validation::validateID):
 * not empty, at most 255 UTF-8 bytes, not `.` or `..`, and free of control characters and slashes.
 */
export function validateId(id: string): string | undefined {
  if (id === '') return 'ID must not be empty';
  if (Buffer.byteLength(id, 'utf8') > NAME_MAX) return `ID must not be greater than ${NAME_MAX} characters`;
  if (id === '.' || id === '..') return `'${id}' is disallowed`;
  if (INVALID_ID_CHARACTERS.test(id)) return `'${id}' contains invalid characters`;
  return undefined;
}
