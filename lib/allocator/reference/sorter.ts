// The sorters of the reference allocator core (docs/allocator.md section 3): they only order
// clients; the allocator owns everything else. One role sorter (hierarchical) and one framework
// sorter per role (flat) share this code; `Hierarchy` tells them apart. Two orders, as in Mesos:
// DRF and random, chosen by CONFIGURE.
//
// The tree mirrors Mesos's DRFSorter (`src/master/allocator/sorter/drf/sorter.cpp`), node for
// node, because the allocation counts that break share ties live on its nodes:
// - a client is a leaf; a client whose role also has roles with clients below it gets a virtual
//   leaf "<path>/." beside them, and its own node becomes internal;
// - allocated() adds to the client's leaf and to every ancestor, and bumps each one's count;
// - a node's count lives as long as the node: a node created for a new client starts at 0, a
//   virtual leaf created when a leaf gains children starts with the leaf's count, and when the
//   last other child goes the internal node becomes the client's leaf again and keeps its own
//   count (Mesos's add() and remove()). A node that leaves the tree forgets its count.

import { addScalars, subtractScalars, type Scalars } from './bundle.ts';
import { weightedShuffle, type Xorshift32 } from './random.ts';

/** How client ids relate, and what the sorter needs to know about each id. */
export interface Hierarchy {
  /** The id of the parent node, or -1 at the top. Flat sorters always answer -1. */
  parentOf(id: number): number;
  /** The full path: the role name ("a/b") or the framework's id string. */
  pathOf(id: number): string;
  /** The weight that divides the share (1 for frameworks). */
  weightOf(id: number): number;
}

/** What every sorter shares: the cluster total and the names left out of shares. */
export interface ShareContext {
  /** Every agent's total, all pools, activated or not. */
  readonly total: Scalars;
  readonly excluded: ReadonlySet<number>;
  /** Bumped whenever `total` changes, which makes every cached share stale. */
  version: number;
}

/**
 * max over scalars k with total[k] > 0, not excluded, of allocation[k] / total[k], divided by the
 * weight. Milli-units are integers below 2^53, so each ratio is one IEEE division of exact values,
 * which the native core reproduces bit for bit.
 *
 * Example: total cpus:10 (10000), mem:100 (100000); allocation cpus:2, mem:50 gives
 * max(2000/10000, 50000/100000) = max(0.2, 0.5) = 0.5; with weight 2 the share is 0.25.
 */
export function dominantShare(allocation: ReadonlyMap<number, number>, ctx: ShareContext, weight: number): number {
  let max = 0;
  for (const [k, total] of ctx.total) {
    if (!(total > 0) || ctx.excluded.has(k)) continue;
    const ratio = (allocation.get(k) ?? 0) / total;
    if (ratio > max) max = ratio;
  }
  return max / weight;
}

export interface Sorter {
  /** Adds an inactive client, and its ancestors' nodes where missing. */
  add(client: number): void;
  remove(client: number): void;
  contains(client: number): boolean;
  activate(client: number): void;
  deactivate(client: number): void;
  /** Resources handed to the client: adds them and bumps the allocation count. */
  allocated(client: number, scalars: ReadonlyMap<number, number>): void;
  /** Resources given back; the count stays. */
  unallocated(client: number, scalars: ReadonlyMap<number, number>): void;
  /** The allocation changes in place (a conversion); the count stays. */
  update(client: number, removed: ReadonlyMap<number, number>, added: ReadonlyMap<number, number>): void;
  /** Some weight changed. */
  weightsChanged(): void;
  share(client: number): number;
  /** The 0-based position in sort(), or -1 when the client is not there or the order is random. */
  rank(client: number): number;
  /** The active clients, in the order the allocator visits them. */
  sort(): number[];
}

interface Node {
  /** The role or framework index; a virtual leaf carries its role's. The root has -1. */
  readonly id: number;
  readonly path: string;
  readonly parent: Node | null;
  /** Kept sorted by compareNodes whenever the DRF sorter is clean. */
  children: Node[];
  /** A client's node. A leaf never has children. */
  leaf: boolean;
  readonly virtual: boolean;
  /** Leaves only. */
  active: boolean;
  /** The sum over the node's subtree. */
  allocation: Scalars;
  count: number;
  /** Cached by the DRF sorter; valid while it is clean. */
  share: number;
}

function newNode(id: number, path: string, parent: Node | null, leaf: boolean, virtual: boolean): Node {
  return { id, path, parent, children: [], leaf, virtual, active: false, allocation: new Map(), count: 0, share: 0 };
}

/** Ascending by (share, allocation count, path), Mesos's compareDRF. */
function compareNodes(x: Node, y: Node): number {
  if (x.share !== y.share) return x.share < y.share ? -1 : 1;
  if (x.count !== y.count) return x.count - y.count;
  if (x.path !== y.path) return x.path < y.path ? -1 : 1;
  // Paths are unique among siblings (role names, framework ids); the index only makes the order
  // total should the facade ever send two frameworks with one name.
  return x.id - y.id;
}

function comparePaths(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The tree and its bookkeeping; subclasses supply the order. */
abstract class TreeSorter implements Sorter {
  protected readonly root: Node = newNode(-1, '', null, false, false);
  /** Client → its leaf (a virtual leaf when the client's node has children). */
  protected readonly clients = new Map<number, Node>();
  /** Id → the node at its place in the hierarchy: internal, or the client's own leaf. */
  private readonly nodes = new Map<number, Node>();
  protected readonly hierarchy: Hierarchy;
  protected readonly ctx: ShareContext;

  constructor(hierarchy: Hierarchy, ctx: ShareContext) {
    this.hierarchy = hierarchy;
    this.ctx = ctx;
  }

  abstract sort(): number[];
  abstract rank(client: number): number;

  /** Something other than allocated() changed the tree. */
  protected changed(): void {}

  contains(client: number): boolean {
    return this.clients.has(client);
  }

  protected leafOf(client: number): Node {
    const leaf = this.clients.get(client);
    if (leaf === undefined) throw new Error(`sorter has no client ${client}`);
    return leaf;
  }

  add(client: number): void {
    if (this.clients.has(client)) throw new Error(`sorter already has client ${client}`);
    const chain: number[] = [];
    for (let id = client; id !== -1; id = this.hierarchy.parentOf(id)) chain.unshift(id);
    // Like `mkdir -p`: walk down, creating the nodes that are missing.
    let current = this.root;
    let created: Node | null = null;
    for (const id of chain) {
      const existing = this.nodes.get(id);
      if (existing !== undefined) {
        current = existing;
        continue;
      }
      if (current.leaf) this.expand(current);
      const node = newNode(id, this.hierarchy.pathOf(id), current, false, false);
      current.children.push(node);
      this.nodes.set(id, node);
      current = node;
      created = node;
    }
    if (current === created) {
      current.leaf = true;
    } else {
      // The client's node already exists as an internal node (its subroles have clients), so
      // the client gets a fresh virtual leaf beside them.
      const leaf = newNode(client, `${current.path}/.`, current, true, true);
      current.children.push(leaf);
      current = leaf;
    }
    this.clients.set(client, current);
    this.changed();
  }

  /** A client's leaf gains children: it becomes internal and its client moves to a virtual leaf. */
  private expand(node: Node): void {
    const leaf = newNode(node.id, `${node.path}/.`, node, true, true);
    leaf.active = node.active;
    leaf.allocation = new Map(node.allocation);
    leaf.count = node.count;
    node.leaf = false;
    node.active = false;
    node.children.push(leaf);
    this.clients.set(node.id, leaf);
  }

  remove(client: number): void {
    const leaf = this.leafOf(client);
    this.clients.delete(client);
    const allocation = new Map(leaf.allocation);
    let current = leaf;
    while (current.parent !== null) {
      const parent = current.parent;
      if (current.children.length === 0) {
        parent.children.splice(parent.children.indexOf(current), 1);
        if (!current.virtual) this.nodes.delete(current.id);
      } else if (current.children.length === 1 && current.children[0]!.virtual) {
        // Only the client's virtual leaf is left: the node is the client's leaf again, and keeps
        // its own count.
        const only = current.children[0]!;
        current.children = [];
        current.leaf = true;
        current.active = only.active;
        this.clients.set(only.id, current);
      }
      subtractScalars(current.allocation, allocation);
      current = parent;
    }
    this.changed();
  }

  activate(client: number): void {
    this.leafOf(client).active = true;
    this.changed();
  }

  deactivate(client: number): void {
    this.leafOf(client).active = false;
    this.changed();
  }

  allocated(client: number, scalars: ReadonlyMap<number, number>): void {
    for (let n: Node = this.leafOf(client); n !== this.root; n = n.parent!) {
      addScalars(n.allocation, scalars);
      n.count++;
    }
  }

  unallocated(client: number, scalars: ReadonlyMap<number, number>): void {
    for (let n: Node = this.leafOf(client); n !== this.root; n = n.parent!) subtractScalars(n.allocation, scalars);
    this.changed();
  }

  update(client: number, removed: ReadonlyMap<number, number>, added: ReadonlyMap<number, number>): void {
    for (let n: Node = this.leafOf(client); n !== this.root; n = n.parent!) {
      subtractScalars(n.allocation, removed);
      addScalars(n.allocation, added);
    }
    this.changed();
  }

  weightsChanged(): void {
    this.changed();
  }

  protected shareOf(node: Node): number {
    return dominantShare(node.allocation, this.ctx, this.hierarchy.weightOf(node.id));
  }

  share(client: number): number {
    return this.shareOf(this.leafOf(client));
  }
}

/**
 * Dominant Resource Fairness: siblings ascending by (share, count, path), active leaves in
 * pre-order. Like Mesos since 1.7.1 (MESOS-9249), allocated() keeps the order by moving the
 * touched nodes to their new places, and anything else marks the tree for a full sort.
 */
export class DrfSorter extends TreeSorter {
  private dirty = true;
  /** The ShareContext version the cached shares were computed against. */
  private sortedVersion = -1;

  protected override changed(): void {
    this.dirty = true;
  }

  private clean(): boolean {
    return !this.dirty && this.sortedVersion === this.ctx.version;
  }

  override allocated(client: number, scalars: ReadonlyMap<number, number>): void {
    super.allocated(client, scalars);
    if (!this.clean()) return;
    // Each node on the path got a larger count and no smaller share, so it moves among its
    // siblings, which are still sorted; the other nodes keep their places.
    for (let n: Node = this.leafOf(client); n !== this.root; n = n.parent!) {
      n.share = this.shareOf(n);
      const siblings = n.parent!.children;
      siblings.splice(siblings.indexOf(n), 1);
      let lo = 0;
      let hi = siblings.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareNodes(siblings[mid]!, n) < 0) lo = mid + 1;
        else hi = mid;
      }
      siblings.splice(lo, 0, n);
    }
  }

  private resort(node: Node): void {
    for (const child of node.children) {
      child.share = this.shareOf(child);
      this.resort(child);
    }
    node.children.sort(compareNodes);
  }

  sort(): number[] {
    if (!this.clean()) {
      this.resort(this.root);
      this.dirty = false;
      this.sortedVersion = this.ctx.version;
    }
    const out: number[] = [];
    const walk = (node: Node): void => {
      for (const child of node.children) {
        if (!child.leaf) walk(child);
        else if (child.active) out.push(child.id);
      }
    };
    walk(this.root);
    return out;
  }

  rank(client: number): number {
    return this.sort().indexOf(client);
  }
}

/**
 * A weighted shuffle of the active clients each time it is asked (section 3), drawing from the
 * allocator's one generator. A client's weight is its own: its role's weight in the role sorter
 * (a client with a virtual leaf uses its role's, as in DRF), 1 in a framework sorter. Clients are
 * listed by their full path, the role name or the framework id; a virtual leaf is listed under
 * its role's name, not "<name>/.".
 */
export class RandomSorter extends TreeSorter {
  private readonly rng: Xorshift32;

  constructor(hierarchy: Hierarchy, ctx: ShareContext, rng: Xorshift32) {
    super(hierarchy, ctx);
    this.rng = rng;
  }

  sort(): number[] {
    const active = [...this.clients.values()]
      .filter((leaf) => leaf.active)
      .map((leaf) => ({ id: leaf.id, path: this.hierarchy.pathOf(leaf.id) }))
      .sort((x, y) => comparePaths(x.path, y.path) || x.id - y.id);
    return weightedShuffle(
      active.map((c) => c.id),
      active.map((c) => this.hierarchy.weightOf(c.id)),
      this.rng,
    );
  }

  /** A random order has no standing position to report. */
  rank(_client: number): number {
    return -1;
  }
}
