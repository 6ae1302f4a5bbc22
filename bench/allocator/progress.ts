// Progress on stderr for long runs: silent for the first couple of seconds of a task, then at
// most one line a second (rewritten in place on a terminal), so short runs and CI logs stay quiet.

const QUIET_FOR_MS = 2000;
const EVERY_MS = 1000;

export class Progress {
  private readonly enabled: boolean;
  private readonly tty = process.stderr.isTTY === true;
  private startedAt = 0;
  private lastAt = 0;
  private dirty = false;

  constructor(enabled: boolean) {
    this.enabled = enabled;
  }

  /** A new task (one core on one point) begins. */
  start(): void {
    this.startedAt = performance.now();
    this.lastAt = 0;
  }

  /** Reports the task's state; `force` prints at once once the quiet period is over. */
  update(text: string, force = false): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.startedAt < QUIET_FOR_MS) return;
    if (!force && now - this.lastAt < EVERY_MS) return;
    this.lastAt = now;
    if (this.tty) {
      process.stderr.write(`\r\x1b[2K${text}`);
      this.dirty = true;
    } else {
      process.stderr.write(`${text}\n`);
    }
  }

  /** Ends the in-place line, if any. */
  done(): void {
    if (this.dirty) process.stderr.write('\n');
    this.dirty = false;
  }

  /** A line that is always shown (e.g. a skipped core), unless progress is off. */
  note(text: string): void {
    if (!this.enabled) return;
    this.done();
    process.stderr.write(`${text}\n`);
  }
}
