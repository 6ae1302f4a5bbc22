// The Store contract (lib/store/store.ts), one suite run over every embedded backend, then what
// only LevelDB has: data that outlives the process, the directory lock, open errors, synced
// writes, and a writer killed with SIGKILL whose acknowledged keys must all be there afterwards.
// Every test works in its own temporary directory and removes it.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClassicLevel } from 'classic-level';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LevelDbStore, MemoryStore, compareKeys, getJson, openStore, putJson, putJsonOp } from '../../../lib/store/index.ts';
import type { Store, StoreOp } from '../../../lib/store/index.ts';
import { rejects, rejectsAsync } from '../../helpers/assert-error.ts';
import { writerKey, writerValue } from '../../helpers/store-writer.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mesos-ts-store-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : new TextDecoder().decode(b));

async function entries(store: Store, prefix: string): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for await (const [key, value] of store.scan(prefix)) out.push([key, text(value)!]);
  return out;
}

// An independent oracle for key order: LevelDB's bytewise comparison of the UTF-8 encodings.
function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

// ---------------------------------------------------------------------------------------------
// The contract, over both backends.

interface Backend {
  readonly name: string;
  open(dir: string): Promise<Store>;
}

const backends: Backend[] = [
  { name: 'in_memory', open: () => openStore({ kind: 'in_memory' }) },
  { name: 'leveldb', open: (dir) => openStore({ kind: 'leveldb', path: join(dir, 'registry') }) },
];

for (const backend of backends) {
  // Runs `fn` on a fresh store in a fresh directory, closing and removing both afterwards.
  const storeTest = (name: string, fn: (store: Store) => Promise<void>): void =>
    test(`${backend.name}: ${name}`, () =>
      withTempDir(async (dir) => {
        const store = await backend.open(dir);
        try {
          await fn(store);
        } finally {
          await store.close();
        }
      }));

  storeTest('get, put and delete', async (store) => {
    assert.is(await store.get('k'), undefined);
    await store.put('k', bytes('one'));
    // Plain Uint8Arrays from every backend (not Buffers), so values compare equal across them.
    assert.equal(await store.get('k'), bytes('one'));
    await store.put('k', bytes('two'));
    assert.is(text(await store.get('k')), 'two');
    await store.put('empty', new Uint8Array(0));
    assert.equal(await store.get('empty'), new Uint8Array(0));
    await store.delete('k');
    assert.is(await store.get('k'), undefined);
    await store.delete('never-there');
    assert.is(text(await store.get('empty')), '');
  });

  storeTest('stored values are copies: changing the caller\'s arrays changes nothing stored', async (store) => {
    const value = bytes('abc');
    const pending = store.put('k', value);
    value[0] = 0x7a; // before the write has resolved
    await pending;
    const got = (await store.get('k'))!;
    assert.is(text(got), 'abc');
    got[0] = 0x7a;
    assert.is(text(await store.get('k')), 'abc');
  });

  storeTest('a batch applies every operation, later ones on a key winning', async (store) => {
    await store.put('gone', bytes('x'));
    await store.batch([
      { type: 'put', key: 'a', value: bytes('1') },
      { type: 'put', key: 'b', value: bytes('2') },
      { type: 'del', key: 'a' },
      { type: 'del', key: 'gone' },
      { type: 'put', key: 'c', value: bytes('3') },
      { type: 'put', key: 'c', value: bytes('4') },
    ]);
    assert.equal(await entries(store, ''), [['b', '2'], ['c', '4']]);
    await store.batch([]);
    assert.equal(await entries(store, ''), [['b', '2'], ['c', '4']]);
  });

  storeTest('a batch with an invalid operation applies nothing and tells no watcher', async (store) => {
    await store.put('keep', bytes('old'));
    const seen: StoreOp[][] = [];
    store.watch!('', (ops) => seen.push([...ops]));
    const good: StoreOp[] = [
      { type: 'put', key: 'keep', value: bytes('new') },
      { type: 'put', key: 'added', value: bytes('x') },
      { type: 'del', key: 'keep' },
    ];
    const bad: [op: unknown, message: RegExp][] = [
      [{ type: 'put', key: 'v', value: 'a string' }, /^Store value for batch operation 3 \(key 'v'\) must be a Uint8Array, not 'a string'$/],
      [{ type: 'put', key: 'v' }, /operation 3 .* must be a Uint8Array, not undefined$/],
      [{ type: 'merge', key: 'v', value: bytes('x') }, /^Store batch operation 3 has type 'merge'; expected 'put' or 'del'$/],
      [{ type: 'del', key: '' }, /^Store batch operation 3 key must not be empty$/],
      [{ type: 'del', key: 7 }, /^Store batch operation 3 key must be a string, not number$/],
      [{ type: 'del', key: 'a\uD800' }, /^Store batch operation 3 key 'a\uD800' is not well-formed Unicode/],
      [null, /^Store batch operation 3 must be an object, not null$/],
    ];
    for (const [op, message] of bad) {
      await rejectsAsync(store.batch([...good, op as StoreOp]), 'STORE_INVALID_OP', message);
      assert.is(text(await store.get('keep')), 'old');
      assert.is(await store.get('added'), undefined);
    }
    await rejectsAsync(store.batch('put a' as unknown as StoreOp[]), 'STORE_INVALID_OP', /must be an array of operations, not 'put a'$/);
    assert.equal(seen, []);
    assert.equal(await entries(store, ''), [['keep', 'old']]);
  });

  storeTest('single operations check their key and value', async (store) => {
    await rejectsAsync(store.put('', bytes('x')), 'STORE_INVALID_OP', 'Store key must not be empty');
    await rejectsAsync(store.put('k', 'x' as unknown as Uint8Array), 'STORE_INVALID_OP', 'Store value for key \'k\' must be a Uint8Array, not \'x\'');
    await rejectsAsync(store.get(1 as unknown as string), 'STORE_INVALID_OP', 'Store key must be a string, not number');
    await rejectsAsync(store.delete('\uDC00'), 'STORE_INVALID_OP', /is not well-formed Unicode/);
    await rejectsAsync(store.scan('\uDC00x').next(), 'STORE_INVALID_OP', /^Store prefix '\uDC00x' is not well-formed Unicode/);
    // A key too long to quote whole is cut in the message.
    const err = await rejectsAsync(store.put('k'.repeat(5000), null as unknown as Uint8Array), 'STORE_INVALID_OP');
    assert.ok(err.message.length < 300, err.message);
    assert.equal(await entries(store, ''), []);
  });

  storeTest('scan gives the keys under a prefix in UTF-8 byte order, prefix bounds exact', async (store) => {
    const keys = [
      'a', 'a/', 'a/1', 'a/10', 'a/2', 'a/\u007f', 'a/\u0080', 'a/\u00ff', 'a/\u00ff\u00ff', 'a/é', 'a/\ud7ff', 'a/\ue000',
      'a/\uffff', 'a/\uffff\uffff', 'a/\u{10000}', 'a/\u{1f600}', 'a/\u{10ffff}', 'a0', 'a.', 'a\u00ff', 'a\uffff', 'a\u{10ffff}',
      'b', '\u00ff', '\u{10ffff}',
    ];
    // Written in reverse so that no backend gets them in order by accident.
    for (const key of [...keys].reverse()) await store.put(key, bytes(`v:${key}`));
    const sorted = [...keys].sort(byUtf8);
    const under = (prefix: string): [string, string][] => sorted.filter((k) => k.startsWith(prefix)).map((k) => [k, `v:${k}`]);

    assert.equal(await entries(store, ''), under(''));
    assert.equal((await entries(store, 'a/')).map(([k]) => k), [
      'a/', 'a/1', 'a/10', 'a/2', 'a/\u007f', 'a/\u0080', 'a/é', 'a/\u00ff', 'a/\u00ff\u00ff', 'a/\ud7ff', 'a/\ue000',
      // U+FFFF (EF BF BF) before U+10000 (F0 90 80 80), though '\uffff' > '\ud800' in UTF-16.
      'a/\uffff', 'a/\uffff\uffff', 'a/\u{10000}', 'a/\u{1f600}', 'a/\u{10ffff}',
    ]);
    for (const prefix of ['a', 'a/1', 'a/\u00ff', 'a/\uffff', 'a\uffff', 'a/\u{10ffff}', 'a\u{10ffff}', '\u00ff', 'b', 'c', 'a/3', '\u{10ffff}']) {
      assert.equal(await entries(store, prefix), under(prefix), `scan('${prefix}')`);
    }
  });

  storeTest('a scan reads a snapshot, and stopping one early is fine', async (store) => {
    await store.batch(['s/a', 's/b', 's/c'].map((key): StoreOp => ({ type: 'put', key, value: bytes('old') })));
    const scan = store.scan('s/');
    const first = await scan.next();
    assert.equal(first.value, ['s/a', bytes('old')]);
    await store.put('s/b', bytes('new'));
    await store.delete('s/c');
    await store.put('s/d', bytes('new'));
    const rest: [string, string][] = [];
    for await (const [key, value] of scan) rest.push([key, text(value)!]);
    assert.equal(rest, [['s/b', 'old'], ['s/c', 'old']]);
    assert.equal(await entries(store, 's/'), [['s/a', 'old'], ['s/b', 'new'], ['s/d', 'new']]);
    for await (const [key] of store.scan('s/')) if (key === 's/a') break;
  });

  storeTest('writes apply in the order they were called', async (store) => {
    const seen: string[] = [];
    store.watch!('n', (ops) => seen.push(...ops.map((op) => (op.type === 'put' ? text(op.value)! : 'del'))));
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) writes.push(i % 10 === 9 ? store.delete('n') : store.put('n', bytes(String(i))));
    writes.push(store.put('n', bytes('last')));
    await Promise.all(writes);
    assert.is(text(await store.get('n')), 'last');
    assert.equal(seen, [...Array.from({ length: 50 }, (_, i) => (i % 10 === 9 ? 'del' : String(i))), 'last']);
  });

  storeTest('watch reports each committed write under the prefix, before the write resolves', async (store) => {
    const agents: StoreOp[][] = [];
    const everything: StoreOp[][] = [];
    const stopAgents = store.watch!('agents/', (ops) => agents.push([...ops]));
    store.watch!('', (ops) => everything.push([...ops]));

    await store.put('agents/a1', bytes('x'));
    assert.equal(agents, [[{ type: 'put', key: 'agents/a1', value: bytes('x') }]]);
    await store.put('weights/r', bytes('2'));
    await store.batch([
      { type: 'put', key: 'agents/a2', value: bytes('y') },
      { type: 'put', key: 'quota/r', value: bytes('q') },
      { type: 'del', key: 'agents/a1' },
    ]);
    await store.delete('agents/never');
    assert.equal(agents, [
      [{ type: 'put', key: 'agents/a1', value: bytes('x') }],
      // One call per write: a batch arrives whole, filtered to the prefix.
      [{ type: 'put', key: 'agents/a2', value: bytes('y') }, { type: 'del', key: 'agents/a1' }],
      // A delete is reported whether or not the key was there.
      [{ type: 'del', key: 'agents/never' }],
    ]);
    assert.is(everything.length, 4);
    assert.equal(everything[2]!.map((op) => op.key), ['agents/a2', 'quota/r', 'agents/a1']);

    // Values handed to a listener are its own: changing one changes neither the store nor what
    // another listener got.
    for (const op of everything.flat()) if (op.type === 'put') op.value.fill(0x2a);
    assert.equal(agents[0], [{ type: 'put', key: 'agents/a1', value: bytes('x') }]);
    assert.is(text(await store.get('weights/r')), '2');
    assert.is(text(await store.get('agents/a2')), 'y');

    stopAgents();
    stopAgents();
    await store.put('agents/a3', bytes('z'));
    assert.is(agents.length, 3);
    assert.is(everything.length, 5);
  });

  storeTest('after close every call is a STORE_CLOSED error', async (store) => {
    await store.put('k', bytes('v'));
    await store.put('l', bytes('v'));
    const open = store.scan('');
    assert.equal((await open.next()).value, ['k', bytes('v')]);
    await store.close();
    await store.close(); // again: nothing happens
    const closed = /^The (in-memory store|store at .*registry) is closed$/;
    await rejectsAsync(store.get('k'), 'STORE_CLOSED', closed);
    await rejectsAsync(store.put('k', bytes('w')), 'STORE_CLOSED', closed);
    await rejectsAsync(store.delete('k'), 'STORE_CLOSED', closed);
    await rejectsAsync(store.batch([{ type: 'del', key: 'k' }]), 'STORE_CLOSED', closed);
    await rejectsAsync(store.scan('').next(), 'STORE_CLOSED', closed);
    await rejectsAsync(open.next(), 'STORE_CLOSED', closed);
    rejects(() => store.watch!('', () => {}), 'STORE_CLOSED', closed);
  });

  storeTest('JSON values: getJson, putJson and putJsonOp', async (store) => {
    assert.is(await getJson(store, 'weights/dev'), undefined);
    await putJson(store, 'weights/dev', { role: 'dev', weight: 2.5 });
    assert.equal(await getJson(store, 'weights/dev'), { role: 'dev', weight: 2.5 });
    assert.is(text(await store.get('weights/dev')), '{"role":"dev","weight":2.5}');
    await store.batch([putJsonOp('quota/dev', { guarantees: { cpus: 1 } }), putJsonOp('note', 'héllo')]);
    assert.equal(await getJson(store, 'quota/dev'), { guarantees: { cpus: 1 } });
    assert.is(await getJson(store, 'note'), 'héllo');

    await store.put('bad/json', bytes('{"role":'));
    await rejectsAsync(getJson(store, 'bad/json'), 'STORE_CORRUPT', /^The value stored at key 'bad\/json' is not valid UTF-8 JSON: /);
    await store.put('bad/utf8', new Uint8Array([0x22, 0xff, 0x22]));
    await rejectsAsync(getJson(store, 'bad/utf8'), 'STORE_CORRUPT', /^The value stored at key 'bad\/utf8' is not valid UTF-8 JSON: /);
    await rejectsAsync(putJson(store, 'x', undefined), 'STORE_INVALID_OP', 'Cannot store the value for key \'x\' as JSON: it is undefined');
    await rejectsAsync(putJson(store, 'x', { n: 1n }), 'STORE_INVALID_OP', /^Cannot store the value for key 'x' as JSON: /);
    assert.is(await store.get('x'), undefined);
  });
}

test('compareKeys orders strings as their UTF-8 bytes', () => {
  const keys = ['', 'a', 'ab', 'b', '\u007f', '\u0080', '\u07ff', '\u0800', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{1f600}', '\u{10ffff}',
    'x\uffff', 'x\u{10000}', 'x\ue000y', 'x\u{10000}a'];
  for (const a of keys) {
    for (const b of keys) assert.is(Math.sign(compareKeys(a, b)), Math.sign(byUtf8(a, b)), `compareKeys('${a}', '${b}')`);
  }
});

// ---------------------------------------------------------------------------------------------
// LevelDB only.

test('leveldb: a reopened store has what the closed one held', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'work', 'registry'); // parents are created
    const first = await LevelDbStore.open(path);
    await first.put('a', bytes('1'));
    await first.batch([{ type: 'put', key: 'b', value: bytes('2') }, { type: 'del', key: 'a' }, putJsonOp('c', [3])]);
    await first.close();
    const second = await openStore({ kind: 'leveldb', path });
    try {
      assert.equal(await entries(second, ''), [['b', '2'], ['c', '[3]']]);
    } finally {
      await second.close();
    }
  }));

test('leveldb: a second open of an open directory is STORE_LOCKED, and works once the first closes', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'registry');
    const first = await LevelDbStore.open(path);
    const err = await rejectsAsync(LevelDbStore.open(path), 'STORE_LOCKED',
      new RegExp(`^Cannot open the store at ${path}: it is locked by another process or another open store \\(LevelDB's LOCK file\\): IO error: lock ${path}/LOCK`));
    assert.ok(err.cause !== undefined);
    await first.close();
    const again = await LevelDbStore.open(path);
    await again.close();
  }));

test('leveldb: a directory that cannot be created or is not a directory is STORE_IO', () =>
  withTempDir(async (dir) => {
    const file = join(dir, 'file');
    await writeFile(file, 'not a directory');
    await rejectsAsync(LevelDbStore.open(join(file, 'registry')), 'STORE_IO', new RegExp(`^Cannot open the store at ${file}/registry: ENOTDIR`));
    await rejectsAsync(LevelDbStore.open(file), 'STORE_IO', new RegExp(`^Cannot open the store at ${file}: EEXIST`));
    await rejectsAsync(openStore({ kind: 'leveldb' }), 'INTERNAL', 'Cannot open a LevelDB store without a directory path');
  }));

test('leveldb: damaged files are STORE_CORRUPT', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'registry');
    await (await LevelDbStore.open(path)).close();
    // CURRENT names the live manifest and must end in a newline; LevelDB calls this corruption.
    await writeFile(join(path, 'CURRENT'), 'MANIFEST-000001');
    await rejectsAsync(LevelDbStore.open(path), 'STORE_CORRUPT', new RegExp(`^Cannot open the store at ${path}: LevelDB reports corruption: `));
  }));

test('leveldb: every write asks LevelDB to sync', () =>
  withTempDir(async (dir) => {
    // Killing a process (below) cannot tell a synced write from one left in the page cache; only a
    // power cut could. So this checks the option itself, on the one call all writes go through.
    const calls: unknown[] = [];
    const proto = ClassicLevel.prototype as unknown as { batch: (...args: unknown[]) => unknown };
    const original = proto.batch;
    proto.batch = function (this: unknown, ...args: unknown[]) {
      calls.push(args[1]);
      return original.apply(this, args);
    };
    try {
      const store = await LevelDbStore.open(join(dir, 'registry'));
      await store.put('a', bytes('1'));
      await store.delete('a');
      await store.batch([{ type: 'put', key: 'b', value: bytes('2') }]);
      await putJson(store, 'c', {});
      await store.close();
    } finally {
      proto.batch = original;
    }
    assert.equal(calls, [{ sync: true }, { sync: true }, { sync: true }, { sync: true }]);
  }));

// A store-writer child (test/helpers/store-writer.ts) and the keys it has printed so far.
interface Writer {
  readonly child: ChildProcess;
  /** Complete lines printed so far. */
  readonly lines: string[];
  /** Resolves once `enough(lines)` holds; rejects if the child exits first. */
  until(enough: (lines: readonly string[]) => boolean): Promise<void>;
  /** Resolves when the child has exited and its output is read to the end. */
  readonly closed: Promise<void>;
}

function startWriter(path: string, count: number): Writer {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/helpers/store-writer.ts'), path, String(count)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  let exited = false;
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const closed = new Promise<void>((resolve) => child.on('close', () => {
    exited = true;
    for (const wake of waiters) wake();
    resolve();
  }));
  return {
    child,
    lines,
    closed,
    until: (enough) => new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        if (enough(lines)) {
          waiters.delete(wake);
          resolve();
        } else if (exited) {
          waiters.delete(wake);
          reject(new Error(`store-writer exited early (${child.exitCode ?? child.signalCode}) after ${lines.length} lines: ${stderr}`));
        }
      };
      waiters.add(wake);
      wake();
    }),
  };
}

/** SIGKILLs the writer (by its pid only) unless it has exited, and waits for its output to end. */
async function kill(writer: Writer): Promise<void> {
  if (writer.child.exitCode === null && writer.child.signalCode === null) process.kill(writer.child.pid!, 'SIGKILL');
  await writer.closed;
}

test('leveldb: a directory held by another process is STORE_LOCKED until that process dies', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'registry');
    const writer = startWriter(path, 1);
    try {
      await writer.until((lines) => lines.includes('done'));
      await rejectsAsync(LevelDbStore.open(path), 'STORE_LOCKED', /locked by another process/);
    } finally {
      await kill(writer);
    }
    // The kernel drops the lock with the process; the LOCK file it leaves does not matter.
    const store = await LevelDbStore.open(path);
    try {
      assert.is(text(await store.get(writerKey(0))), writerValue(writerKey(0)));
    } finally {
      await store.close();
    }
  }));

test('leveldb: every key a writer acknowledged before it was SIGKILLed is there after reopening', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'registry');
    // Far more keys than it can write before the kill, so that it dies in the middle of writes.
    const writer = startWriter(path, 10_000_000);
    try {
      await writer.until((lines) => lines.length >= 300);
    } finally {
      await kill(writer);
    }
    assert.is(writer.child.signalCode, 'SIGKILL');
    // Lines printed between the decision to kill and the kill count too: each was acknowledged.
    const acknowledged = writer.lines;
    assert.ok(acknowledged.length >= 300 && !acknowledged.includes('done'), `${acknowledged.length} keys acknowledged`);
    const store = await LevelDbStore.open(path);
    try {
      for (const key of acknowledged) assert.is(text(await store.get(key)), writerValue(key), key);
      // Keys go out in order, a few at a time; the kill can only have cut off the last few.
      let present = 0;
      for await (const [key, value] of store.scan('writer/')) {
        assert.is(key, writerKey(present));
        assert.is(text(value), writerValue(key));
        present++;
      }
      assert.ok(present >= acknowledged.length, `${present} stored, ${acknowledged.length} acknowledged`);
    } finally {
      await store.close();
    }
  }));

test('openStore picks the backend by kind', async () => {
  const store = await openStore({ kind: 'in_memory' });
  assert.ok(store instanceof MemoryStore);
  await store.close();
  await rejectsAsync(openStore({ kind: 'zk' as 'in_memory' }), 'INTERNAL', 'Unknown store kind \'zk\'; expected \'leveldb\' or \'in_memory\'');
});

test.run();
