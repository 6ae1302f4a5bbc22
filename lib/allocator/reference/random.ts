// The allocator's one random source (docs/allocator.md section 4) and the two ways it is used: the
// Fisher-Yates shuffle of candidate agents and the weighted shuffle of the random sorters
// (section 3). Both cores draw from one generator in the same order, so a seed and an event
// sequence give the same decisions in both.

/** xorshift32 on a uint32. */
export class Xorshift32 {
  private x: number;

  constructor(seed: number) {
    this.x = (seed >>> 0) === 0 ? 0x9e3779b9 : seed >>> 0;
  }

  /** The next state, in [1, 2^32). */
  next(): number {
    // `<<` works on int32 in JS; the bits are those of the uint32 shift, and `>>> 0` makes the
    // value unsigned again after each step.
    let x = this.x;
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    this.x = x;
    return x;
  }

  /** Fisher-Yates from the end: for i from n-1 down to 1, j = next() % (i + 1), swap. */
  shuffle<T>(items: T[]): void {
    for (let i = items.length - 1; i >= 1; i--) {
      const j = this.next() % (i + 1);
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
  }
}

/**
 * The random sorters' order: `clients` listed by path, each with a weight > 0. Until none are
 * left: draw `u = next() / 2^32 * Σ weights` (over the clients still left), take the first client
 * whose cumulative weight is greater than `u`, remove it. One draw per client, the last included.
 *
 * Example: weights [1, 3] and a first draw of 2^31 give u = 0.5 * 4 = 2; the cumulative weights
 * are 1 and 4, so the second client comes first, and the first one follows on the second draw.
 */
export function weightedShuffle(clients: readonly number[], weights: readonly number[], rng: Xorshift32): number[] {
  let sum = 0;
  let integral = true;
  for (const w of weights) {
    sum += w;
    integral &&= Number.isInteger(w);
  }
  // With integer weights every partial sum is exact, so a Fenwick tree finds the same client as
  // the left-to-right scan in O(log n). Other weights take the literal scan, whose rounding is
  // the one both cores reproduce.
  return integral && sum <= Number.MAX_SAFE_INTEGER
    ? integralShuffle(clients, weights, rng)
    : scanShuffle(clients, weights, rng);
}

function scanShuffle(clients: readonly number[], weights: readonly number[], rng: Xorshift32): number[] {
  const left = clients.slice();
  const w = weights.slice();
  const out: number[] = [];
  while (left.length > 0) {
    let sum = 0;
    for (const x of w) sum += x;
    const u = (rng.next() / 2 ** 32) * sum;
    // u < Σ (the draw is below 2^32, and the last cumulative weight is Σ computed the same way),
    // so some client is always picked; the default is never used.
    let pick = left.length - 1;
    let cumulative = 0;
    for (let i = 0; i < w.length; i++) {
      cumulative += w[i]!;
      if (cumulative > u) {
        pick = i;
        break;
      }
    }
    out.push(left[pick]!);
    left.splice(pick, 1);
    w.splice(pick, 1);
  }
  return out;
}

function integralShuffle(clients: readonly number[], weights: readonly number[], rng: Xorshift32): number[] {
  const n = clients.length;
  // tree[i] (1-based) holds the sum of weights in (i - lowbit(i), i]; a taken client weighs 0.
  const tree = new Array<number>(n + 1).fill(0);
  const update = (index: number, delta: number): void => {
    for (let i = index + 1; i <= n; i += i & -i) tree[i]! += delta;
  };
  let sum = 0;
  for (let i = 0; i < n; i++) {
    update(i, weights[i]!);
    sum += weights[i]!;
  }
  let top = 1;
  while (top * 2 <= n) top *= 2;
  const out: number[] = [];
  for (let taken = 0; taken < n; taken++) {
    const u = (rng.next() / 2 ** 32) * sum;
    // The longest prefix whose cumulative weight is ≤ u; the client right after it is the first
    // whose cumulative weight is > u, and it has weight (it was not taken yet). `acc` is an exact
    // integer, so `acc + … <= u` is exact; u < Σ keeps `pos` below n.
    let pos = 0;
    let acc = 0;
    for (let step = top; step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= n && acc + tree[next]! <= u) {
        pos = next;
        acc += tree[next]!;
      }
    }
    out.push(clients[pos]!);
    update(pos, -weights[pos]!);
    sum -= weights[pos]!;
  }
  return out;
}

