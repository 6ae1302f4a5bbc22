// Reading sandbox files for `task log` and `run` (lib/cli/logs.ts), against an in-memory reader
// that answers as the agent's READ_FILE does (at most 64 KiB per read, NOT_FOUND for a file that
// does not exist yet).

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { FileFollower, READ_CHUNK, findSandbox, follow, lastLinesOffset, tailStart, type SandboxReader } from '../../../lib/cli/logs.ts';
import { MesosError } from '../../../lib/common/errors.ts';

/** Files by path; a path that is not there is NOT_FOUND, like the agent's. Counts reads. */
class FakeFiles implements SandboxReader {
  readonly files = new Map<string, Buffer>();
  reads = 0;

  append(path: string, text: string | Buffer): void {
    this.files.set(path, Buffer.concat([this.files.get(path) ?? Buffer.alloc(0), Buffer.from(text)]));
  }

  async read(path: string, offset: number, length: number): Promise<{ data: Buffer; size: number }> {
    this.reads++;
    const file = this.files.get(path);
    if (file === undefined) throw new MesosError('NOT_FOUND', `the agent at x answered 404: ${path}`);
    return { data: file.subarray(offset, offset + Math.min(length, READ_CHUNK)), size: file.length };
  }
}

test('findSandbox: a command task is its own executor; a task group member has tasks/<id>', () => {
  const state = {
    frameworks: [{
      id: 'fw1',
      executors: [
        { id: 'cmd', type: 'COMMAND', directory: '/s/cmd', tasks: [{ id: 'cmd' }] },
        { id: 'default-1', type: 'DEFAULT', directory: '/s/default-1', tasks: [{ id: 'g1' }], completed_tasks: [{ id: 'g2' }] },
      ],
      completed_executors: [{ id: 'old', type: 'COMMAND', directory: '/s/old', completed_tasks: [{ id: 'old' }] }],
    }],
    completed_frameworks: [{ id: 'fw0', completed_executors: [{ id: 'gone', directory: '/s/gone' }] }],
  };
  assert.is(findSandbox(state, 'fw1', 'cmd'), '/s/cmd');
  assert.is(findSandbox(state, 'fw1', 'g1'), '/s/default-1/tasks/g1');
  assert.is(findSandbox(state, 'fw1', 'g2'), '/s/default-1/tasks/g2');
  assert.is(findSandbox(state, 'fw1', 'old'), '/s/old');
  assert.is(findSandbox(state, 'fw0', 'gone'), '/s/gone');
  assert.is(findSandbox(state, 'fw0', 'cmd'), undefined);
  assert.is(findSandbox(state, 'fw1', 'nope'), undefined);
  assert.is(findSandbox(undefined, 'fw1', 'cmd'), undefined);
});

test('lastLinesOffset: where the last N lines start; a trailing newline starts no line', () => {
  const text = Buffer.from('a\nb\nc\n');
  assert.is(lastLinesOffset(text, 0, 1), 4);
  assert.is(lastLinesOffset(text, 0, 2), 2);
  assert.is(lastLinesOffset(text, 0, 3), 0);
  assert.is(lastLinesOffset(text, 0, 10), 0);
  assert.is(lastLinesOffset(Buffer.from('a\nb\nc'), 0, 2), 2);
  assert.is(lastLinesOffset(text, 0, 0), 6);
  // A chunk that does not start the file: too few lines in it means "read further back".
  assert.is(lastLinesOffset(Buffer.from('x\ny\n'), 100, 5), undefined);
  assert.is(lastLinesOffset(Buffer.from('x\ny\n'), 100, 1), 102);
});

test('tailStart reads backwards across chunks, and a missing file starts at 0', async () => {
  const files = new FakeFiles();
  const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i}\n`).join('');
  files.append('/f', lines);
  const start = await tailStart(files, '/f', 3);
  assert.is(lines.slice(start), 'line 19997\nline 19998\nline 19999\n');
  // More lines than one chunk holds: the whole tail, read back chunk by chunk.
  const many = await tailStart(files, '/f', 15_000);
  assert.is(lines.slice(many).split('\n')[0], 'line 5000');
  assert.is(await tailStart(files, '/f', 1_000_000), 0);
  assert.is(await tailStart(files, '/missing', 5), 0);
});

test('FileFollower hands on every byte once, in order, binary included, through chunk boundaries', async () => {
  const files = new FakeFiles();
  const out: Buffer[] = [];
  const follower = new FileFollower(files, '/f', (data) => out.push(data));
  assert.is(await follower.poll(), 0, 'a missing file reads as empty');
  const big = Buffer.alloc(READ_CHUNK * 2 + 10, 0xe2);
  files.append('/f', 'héllo ');
  files.append('/f', big);
  assert.is(await follower.poll(), Buffer.byteLength('héllo ') + big.length);
  files.append('/f', Buffer.from([0, 1, 2]));
  assert.is(await follower.poll(), 3);
  assert.is(await follower.poll(), 0);
  assert.equal(Buffer.concat(out), files.files.get('/f'));
});

test('follow polls until the writer is done, then drains every file', async () => {
  const files = new FakeFiles();
  const stdout: string[] = [];
  const stderr: string[] = [];
  let done = false;
  let polls = 0;
  const followers = [
    new FileFollower(files, '/out', (d) => stdout.push(d.toString())),
    new FileFollower(files, '/err', (d) => stderr.push(d.toString())),
  ];
  await follow(followers, {
    pollMs: 1,
    isDone: () => {
      polls++;
      // The task writes a line, then another, then ends having written a last one.
      if (polls === 1) files.append('/out', 'one\n');
      if (polls === 2) files.append('/err', 'two\n');
      if (polls === 3) {
        files.append('/out', 'last\n');
        done = true;
      }
      return done;
    },
  });
  assert.is(stdout.join(''), 'one\nlast\n');
  assert.is(stderr.join(''), 'two\n');
});

test('follow stops at once when aborted', async () => {
  const files = new FakeFiles();
  const abort = new AbortController();
  const following = follow([new FileFollower(files, '/f', () => {})], { pollMs: 60_000, isDone: () => false, signal: abort.signal });
  setTimeout(() => abort.abort(), 5);
  await following;
});

test('a reader error other than a missing file is not swallowed', async () => {
  const failing: SandboxReader = { read: () => Promise.reject(new MesosError('UNREACHABLE', 'cannot reach the agent')) };
  try {
    await new FileFollower(failing, '/f', () => {}).poll();
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.is((err as MesosError).code, 'UNREACHABLE');
  }
});

test.run();
