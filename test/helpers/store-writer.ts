// A child process for test/unit/store/store.test.ts: opens the LevelDB store in the directory
// given as the first argument and puts `count` keys (the second argument) with a few writes in
// flight at once, printing each key on its own line as soon as its put has resolved, that is,
// once the store has acknowledged it. Then it prints `done` and keeps the store open (and so its
// LOCK) until it is killed.
//
//   node --import tsx test/helpers/store-writer.ts <dir> <count>
//
// Key i is `writer/` and i in ten zero-padded digits; its value is `value of <key>`.

import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LevelDbStore } from '../../lib/store/leveldb.ts';

/** The key the writer puts i-th and the value it puts there, shared with the test that checks them. */
export function writerKey(i: number): string {
  return `writer/${String(i).padStart(10, '0')}`;
}

export function writerValue(key: string): string {
  return `value of ${key}`;
}

const IN_FLIGHT = 4;

async function main(dir: string, count: number): Promise<void> {
  const store = await LevelDbStore.open(dir);
  const encoder = new TextEncoder();
  let next = 0;
  async function worker(): Promise<void> {
    while (next < count) {
      const key = writerKey(next++);
      await store.put(key, encoder.encode(writerValue(key)));
      process.stdout.write(`${key}\n`);
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  process.stdout.write('done\n');
  // Hold the store open until killed.
  setInterval(() => {}, 1 << 30);
}

// Run only when executed, not when the test imports writerKey and writerValue.
if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  const [dir, count] = process.argv.slice(2);
  if (dir === undefined || count === undefined || !/^\d+$/.test(count)) {
    process.stderr.write('usage: store-writer.ts <dir> <count>\n');
    process.exitCode = 64;
  } else {
    await main(dir, Number(count));
  }
}
