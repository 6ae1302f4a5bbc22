import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  ancestors,
  isInRoleSubtree,
  isStrictSubroleOf,
  parentRole,
  parseRoles,
  validateRole,
  validateRoles,
} from '../../../lib/api/roles.ts';

test('validateRole accepts *, plain names and nested paths', () => {
  for (const role of ['*', '**', 'a', 'eng', 'eng/web', 'a/b/c/d', 'a.b', '...', 'a-b', 'a*b', 'rôle', 'a_b', 'A1', '.a', 'a..']) {
    assert.is(validateRole(role), undefined, role);
  }
});

test('validateRole rejects bad paths with Mesos\'s messages', () => {
  const cases: [string, string][] = [
    ['', 'Role names cannot be the empty string'],
    ['/a', "Role '/a' cannot start with a slash"],
    ['/', "Role '/' cannot start with a slash"],
    ['a/', "Role 'a/' cannot end with a slash"],
    ['a//b', "Role 'a//b' cannot contain two adjacent slashes"],
    ['.', "Role '.' cannot include '.' as a component"],
    ['..', "Role '..' cannot include '..' as a component"],
    ['a/./b', "Role 'a/./b' cannot include '.' as a component"],
    ['a/..', "Role 'a/..' cannot include '..' as a component"],
    ['a/*', "Role 'a/*' cannot include '*' as a component"],
    ['*/a', "Role '*/a' cannot include '*' as a component"],
  ];
  for (const [role, message] of cases) assert.is(validateRole(role), message, JSON.stringify(role));
});

test('validateRole rejects a leading dash in any component', () => {
  assert.is(validateRole('-a'), "Role component '-a' is invalid because it starts with a dash");
  assert.is(validateRole('a/-b'), "Role component '-b' is invalid because it starts with a dash");
  assert.is(validateRole('a-/b'), undefined);
});

test('validateRole rejects whitespace and DEL, and nothing else', () => {
  for (const char of ['\t', '\n', '\v', '\f', '\r', ' ', '\x7f']) {
    assert.is(
      validateRole(`a${char}b`),
      `Role component 'a${char}b' is invalid because it contains backspace or whitespace`,
      JSON.stringify(char),
    );
  }
  assert.is(validateRole('x/a b'), "Role component 'a b' is invalid because it contains backspace or whitespace");
  // Mesos's list is explicit: other control characters and non-ASCII spaces pass.
  assert.is(validateRole('a\x08b'), undefined);
  assert.is(validateRole('a\u00a0b'), undefined);
});

test('validateRoles returns the first error', () => {
  assert.is(validateRoles([]), undefined);
  assert.is(validateRoles(['a', 'b/c']), undefined);
  assert.is(validateRoles(['a', '/b', '-c']), "Role '/b' cannot start with a slash");
});

test('parseRoles splits on commas, drops empty entries and does not trim', () => {
  assert.equal(parseRoles('a,b/c'), { ok: true, value: ['a', 'b/c'] });
  assert.equal(parseRoles(',a,,b,'), { ok: true, value: ['a', 'b'] });
  assert.equal(parseRoles(''), { ok: true, value: [] });
  assert.equal(parseRoles('a, b'), {
    ok: false,
    error: "Role component ' b' is invalid because it contains backspace or whitespace",
  });
});

test('isStrictSubroleOf requires the separator after the prefix', () => {
  assert.ok(isStrictSubroleOf('a/b', 'a'));
  assert.ok(isStrictSubroleOf('a/b/c', 'a'));
  assert.ok(isStrictSubroleOf('a/b/c', 'a/b'));
  assert.not.ok(isStrictSubroleOf('a', 'a'));
  assert.not.ok(isStrictSubroleOf('a', 'a/b'));
  assert.not.ok(isStrictSubroleOf('ab', 'a'));
  assert.not.ok(isStrictSubroleOf('a/bc', 'a/b'));
  assert.not.ok(isStrictSubroleOf('b/a', 'a'));
  assert.not.ok(isStrictSubroleOf('a', '*'));
});

test('isInRoleSubtree includes the root itself', () => {
  assert.ok(isInRoleSubtree('a', 'a'));
  assert.ok(isInRoleSubtree('a/b', 'a'));
  assert.not.ok(isInRoleSubtree('ab', 'a'));
  assert.not.ok(isInRoleSubtree('a', 'a/b'));
});

test('ancestors lists proper ancestors nearest first', () => {
  assert.equal(ancestors('a/b/c'), ['a/b', 'a']);
  assert.equal(ancestors('a/b'), ['a']);
  assert.equal(ancestors('a'), []);
  assert.equal(ancestors('*'), []);
});

test('parentRole is the nearest ancestor', () => {
  assert.is(parentRole('a/b/c'), 'a/b');
  assert.is(parentRole('a'), undefined);
});

const component = fc.stringMatching(/^[a-z0-9_][a-z0-9_.-]{0,5}$/).filter((c) => c !== '.' && c !== '..');
const rolePath = fc.array(component, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('/'));

test('property: valid paths have valid ancestors that they are strict subroles of', () => {
  fc.assert(
    fc.property(rolePath, (role) => {
      assert.is(validateRole(role), undefined);
      const chain = ancestors(role);
      assert.is(chain.length, role.split('/').length - 1);
      for (const ancestor of chain) {
        assert.is(validateRole(ancestor), undefined);
        assert.ok(isStrictSubroleOf(role, ancestor));
        assert.not.ok(isStrictSubroleOf(ancestor, role));
      }
      assert.is(parentRole(role), chain[0]);
    }),
  );
});

test('property: strict subrole is irreflexive and agrees with ancestors', () => {
  fc.assert(
    fc.property(rolePath, rolePath, (left, right) => {
      assert.not.ok(isStrictSubroleOf(left, left));
      assert.is(isStrictSubroleOf(left, right), ancestors(left).includes(right));
    }),
  );
});

test.run();
