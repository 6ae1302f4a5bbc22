// Role names and the role hierarchy, as Mesos defines them (src/common/roles.cpp).
//
// A role is either `*` (the default role: "no reservation", "anyone") or a path of components
// separated by `/`, e.g. `eng/web/frontend`. The path is the hierarchy: `eng/web` is the parent of
// `eng/web/frontend`, and resources reserved to `eng` may be allocated to `eng/web/frontend` too
// (see `isAllocatableTo` in resources.ts). Validators return the error message Mesos would give, or
// undefined when the name is valid, so that callers can report it in Mesos's words.

import { fail, ok } from '../common/result.ts';
import type { Result } from '../common/result.ts';

/** The default role. It is valid on its own but never as a component of a longer path. */
export const DEFAULT_ROLE = '*';

// `parseRoles` returns a Result (lib/common/result.ts); the type is re-exported for its callers.
export type { Result } from '../common/result.ts';

// Mesos rejects exactly these characters inside a component: horizontal tab, line feed, vertical
// tab, form feed, carriage return, space, and DEL (0x7f, which roles.cpp calls "backspace"). Other
// characters, including non-ASCII ones, are allowed.
const INVALID_CHARACTERS = /[\x09\x0a\x0b\x0c\x0d\x20\x7f]/;

/**
 * Validates one role name. Returns Mesos's error message, or undefined if the name is valid.
 *
 * The checks run in Mesos's order, so a name with several problems gets the same message as from
 * Mesos: `*` is accepted first; then a leading `/`, a trailing `/` and `//` are rejected for the
 * whole path; then each component is checked for `.`, `..`, `*`, a leading `-`, and whitespace or
 * DEL. The empty string reaches the component loop with no components and is rejected there.
 */
export function validateRole(role: string): string | undefined {
  if (role === DEFAULT_ROLE) return undefined;

  if (role.startsWith('/')) return `Role '${role}' cannot start with a slash`;
  if (role.endsWith('/')) return `Role '${role}' cannot end with a slash`;
  if (role.includes('//')) return `Role '${role}' cannot contain two adjacent slashes`;

  // After the three checks above, splitting on `/` yields no empty components except for the empty
  // role itself, which splits into one empty string.
  if (role === '') return 'Role names cannot be the empty string';

  for (const component of role.split('/')) {
    if (component === '.') return `Role '${role}' cannot include '.' as a component`;
    if (component === '..') return `Role '${role}' cannot include '..' as a component`;
    if (component === '*') return `Role '${role}' cannot include '*' as a component`;
    if (component.startsWith('-')) {
      return `Role component '${component}' is invalid because it starts with a dash`;
    }
    if (INVALID_CHARACTERS.test(component)) {
      return `Role component '${component}' is invalid because it contains backspace or whitespace`;
    }
  }

  return undefined;
}

/** Validates each role in turn and returns the first error, as Mesos's `roles::validate(vector)`. */
export function validateRoles(roles: readonly string[]): string | undefined {
  for (const role of roles) {
    const error = validateRole(role);
    if (error !== undefined) return error;
  }
  return undefined;
}

/**
 * Parses a comma-separated role list, the format of the deprecated master flag `--roles`.
 * As in Mesos, empty entries are dropped (`"a,,b,"` is `["a", "b"]`) and nothing is trimmed, so
 * `"a, b"` fails on the role `" b"`.
 */
export function parseRoles(text: string): Result<string[]> {
  const roles = text.split(',').filter((role) => role !== '');
  const error = validateRoles(roles);
  return error === undefined ? ok(roles) : fail(error);
}

/**
 * True if `left` is a descendant of `right` in the role tree, and not `right` itself.
 * For example `a/b/c` is a strict subrole of `a/b` and of `a`, but not of `a/b/c`, and `a/bc` is not
 * a subrole of `a/b`: the character after the prefix must be the separator.
 */
export function isStrictSubroleOf(left: string, right: string): boolean {
  return left.length > right.length && left[right.length] === '/' && left.startsWith(right);
}

/** True if `role` is `root` or one of its descendants: the subtree of the role tree rooted at `root`. */
export function isInRoleSubtree(role: string, root: string): boolean {
  return role === root || isStrictSubroleOf(role, root);
}

/**
 * The proper ancestors of a role, nearest first, as Mesos's `roles::ancestors`:
 * `ancestors("a/b/c")` is `["a/b", "a"]`, and a top-level role (or `*`) has none.
 */
export function ancestors(role: string): string[] {
  const result: string[] = [];
  for (let i = role.length - 1; i >= 0; i--) {
    if (role[i] === '/') result.push(role.slice(0, i));
  }
  return result;
}

/** The parent of a nested role (`a/b` for `a/b/c`), or undefined for a top-level role. */
export function parentRole(role: string): string | undefined {
  const slash = role.lastIndexOf('/');
  return slash < 0 ? undefined : role.slice(0, slash);
}
