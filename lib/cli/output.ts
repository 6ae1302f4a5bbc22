// How mesosctl prints: tables fitted to the terminal for people, JSON for machines (`--json`),
// colors only on a TTY and never with --no-color or NO_COLOR. Commands build rows of plain
// strings; this module measures, truncates and colors them, so every command's output looks
// alike.

export interface OutputOptions {
  readonly color: boolean;
  readonly json: boolean;
  /** Terminal width; default: stdout's columns, or unlimited when stdout is not a terminal. */
  readonly width?: number;
  readonly write?: (text: string) => void;
}

export type Tone = 'good' | 'bad' | 'warn' | 'dim' | 'bold';

const CODES: Record<Tone, [number, number]> = {
  good: [32, 39],
  bad: [31, 39],
  warn: [33, 39],
  dim: [2, 22],
  bold: [1, 22],
};

/** The tone a task state is shown in. */
export function stateTone(state: string | undefined): Tone | undefined {
  switch (state) {
    case 'TASK_RUNNING':
    case 'TASK_FINISHED':
      return 'good';
    case 'TASK_FAILED':
    case 'TASK_ERROR':
    case 'TASK_LOST':
    case 'TASK_GONE':
    case 'TASK_GONE_BY_OPERATOR':
    case 'TASK_DROPPED':
      return 'bad';
    case 'TASK_KILLED':
    case 'TASK_KILLING':
    case 'TASK_UNREACHABLE':
      return 'warn';
    default:
      return undefined;
  }
}

/** A table cell: text, with a tone when colored. */
export type Cell = string | { readonly text: string; readonly tone?: Tone | undefined };

// C0 and C1 control characters (and DEL): text from the cluster (task names, status messages)
// must not reach the terminal as escape sequences.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Cluster-supplied text made safe to print: control characters shown as `\xNN` escapes. */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function cellText(cell: Cell): string {
  return printable(typeof cell === 'string' ? cell : cell.text);
}

export class Output {
  readonly color: boolean;
  readonly json: boolean;
  readonly #width: number | undefined;
  readonly #write: (text: string) => void;

  constructor(options: OutputOptions) {
    this.color = options.color;
    this.json = options.json;
    this.#width = options.width ?? (process.stdout.isTTY ? process.stdout.columns : undefined);
    this.#write = options.write ?? ((text) => void process.stdout.write(text));
  }

  paint(text: string, tone: Tone | undefined): string {
    if (!this.color || tone === undefined) return text;
    const [on, off] = CODES[tone];
    return `\u001b[${on}m${text}\u001b[${off}m`;
  }

  line(text = ''): void {
    this.#write(`${text}\n`);
  }

  /** Prints `value` as JSON (two-space indented, one document). */
  printJson(value: unknown): void {
    this.#write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /**
   * Prints a table: a header row and data rows, columns padded to their widest cell. When the
   * table is wider than the terminal, the widest columns are cut (with an ellipsis) until it fits,
   * but never below their header's width. An empty table prints `empty` instead, if given.
   */
  table(headers: readonly string[], rows: readonly (readonly Cell[])[], empty?: string): void {
    if (rows.length === 0 && empty !== undefined) {
      this.line(this.paint(empty, 'dim'));
      return;
    }
    // A loop, not Math.max(...rows): a spread of 100,000s of rows overflows the call stack.
    const widths = headers.map((h, i) => rows.reduce((widest, r) => Math.max(widest, cellText(r[i] ?? '').length), h.length));
    const gap = 2;
    if (this.#width !== undefined) {
      const total = () => widths.reduce((a, b) => a + b, 0) + gap * (widths.length - 1);
      while (total() > this.#width) {
        let widest = -1;
        for (let i = 0; i < widths.length; i++) {
          if (widths[i]! > headers[i]!.length && (widest === -1 || widths[i]! > widths[widest]!)) widest = i;
        }
        if (widest === -1) break;
        widths[widest] = Math.max(headers[widest]!.length, widths[widest]! - (total() - this.#width));
      }
    }
    const fit = (text: string, width: number): string => (text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text);
    const render = (cells: readonly Cell[], header: boolean): string =>
      cells
        .map((cell, i) => {
          const width = widths[i]!;
          const text = fit(cellText(cell), width);
          const padded = i === cells.length - 1 ? text : text.padEnd(width);
          if (header) return this.paint(padded, 'bold');
          return typeof cell === 'string' ? padded : this.paint(padded, cell.tone);
        })
        .join(' '.repeat(gap))
        .trimEnd();
    this.line(render(headers, true));
    for (const row of rows) this.line(render(headers.map((_, i) => row[i] ?? ''), false));
  }

  /** Prints `key: value` lines with the keys aligned. */
  fields(entries: readonly (readonly [string, Cell])[]): void {
    const width = Math.max(0, ...entries.map(([k]) => k.length));
    for (const [key, value] of entries) {
      const text = typeof value === 'string' ? printable(value) : this.paint(printable(value.text), value.tone);
      this.line(`${this.paint(`${key}:`.padEnd(width + 1), 'bold')} ${text}`);
    }
  }
}
