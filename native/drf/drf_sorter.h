// Dominant Resource Fairness ordering (docs/allocator.md section 3), Mesos's DRFSorter.
//
// Clients are leaves of a tree that mirrors the role hierarchy (a flat sorter has only the root
// and leaves). Every node keeps its subtree's allocation and allocation count, and its active
// children sorted ascending by (share, count, path, id), where the id only makes the order total.
// A client whose role also has subroles with clients gets a virtual leaf "<path>/." beside them.
//
// Counts live as long as their node: a new node starts at 0; a leaf that gains children becomes
// internal and its client moves to a virtual leaf that starts with the leaf's allocation and
// count; when the last other child goes, the internal node becomes the client's leaf again and
// keeps its own count. This is Mesos's add()/remove(), and the TypeScript reference's.
//
// Incremental, as Mesos since 1.7.1 (MESOS-9249): allocated() moves each node on the client's
// path among its siblings; anything else (add, remove, activate, deactivate, unallocated, update,
// weights, a new cluster total) marks the tree for a full re-sort before the next ordering.
//
// Siblings are kept in an OrderedChildren: a sorted sequence cut into blocks of at most 64
// entries, each entry carrying its sort key. Moving a node costs two binary searches and a
// memmove within a block, and walking the siblings in order reads contiguous memory, which
// matters both for 6,000 frameworks that take turns (a move per allocation) and for 3,000 roles
// walked once per agent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "drf/flat_table.h"
#include "drf/sorter.h"

namespace mesos::drf {

class DrfSorter final : public Sorter {
 public:
  DrfSorter(const ShareContext& shares, const Hierarchy& hierarchy, bool hierarchical);

  void add(ClientId client) override;
  void remove(ClientId client) override;
  bool contains(ClientId client) const override;
  void activate(ClientId client) override;
  void deactivate(ClientId client) override;
  void allocated(ClientId client, const Scalars& scalars) override;
  void unallocated(ClientId client, const Scalars& scalars) override;
  void update(ClientId client, const Scalars& removed, const Scalars& added) override;
  void weightsChanged() override;
  double share(ClientId client) const override;
  std::int64_t rank(ClientId client) override;
  void sort(std::vector<ClientId>& out) override;
  void beginWalk() override;
  bool next(ClientId& client) override;
  void endWalk() override;
  bool drawsOnSort() const override { return false; }

  // The allocation count of a client's leaf, for tests. Precondition: contains(client).
  std::uint64_t count(ClientId client) const;

  // A sorted sibling list (see the file comment). Public for its unit test.
  struct Entry {
    double share;
    std::uint64_t count;
    std::uint32_t node;
    // The walk during which allocated() moved this node here (0: none), so that the walk skips
    // it when it meets it again. It lives in what would be padding.
    std::uint32_t moved;
  };
  class OrderedChildren {
   public:
    struct Pos {
      std::size_t block = 0;
      std::size_t index = 0;
    };
    template <typename Less>
    Pos lowerBound(const Entry& key, const Less& less) const;
    template <typename Less>
    void insert(const Entry& entry, const Less& less);
    // Removes the entry of `entry.node`, found by its key. Returns false when it is not there.
    template <typename Less>
    bool erase(const Entry& entry, const Less& less);
    // Removes the entry at `pos`. Precondition: validAt(pos, its node).
    void eraseAt(const Pos& pos);
    bool validAt(const Pos& pos, std::uint32_t node) const {
      return pos.block < blocks_.size() && pos.index < blocks_[pos.block].size() && at(pos).node == node;
    }
    // Replaces the contents with `sorted` (ascending).
    void assign(const std::vector<Entry>& sorted);
    void clear();

    Pos begin() const { return Pos{}; }
    bool valid(const Pos& pos) const { return pos.block < blocks_.size(); }
    const Entry& at(const Pos& pos) const { return blocks_[pos.block][pos.index]; }
    void advance(Pos& pos) const {
      if (++pos.index == blocks_[pos.block].size()) {
        ++pos.block;
        pos.index = 0;
      }
    }
    std::size_t size() const { return size_; }

   private:
    static constexpr std::size_t kMaxBlock = 64;
    static constexpr std::size_t kFillBlock = 32;
    std::vector<Entry> newBlock();
    // Invariant: no block is empty; the concatenation of the blocks is sorted.
    std::vector<std::vector<Entry>> blocks_;
    // Invariant: last_[b] == blocks_[b].back(). Binary searches over blocks read this one
    // contiguous array instead of a heap block per probe.
    std::vector<Entry> last_;
    // Emptied blocks kept with their capacity, so that steady-state moves never allocate.
    std::vector<std::vector<Entry>> spare_;
    std::size_t size_ = 0;
  };

 private:
  struct Node {
    std::int32_t parent = -1;  // Node index; -1 for the root only.
    ClientId id = 0;           // The role or framework index; a virtual leaf carries its role's.
    std::string path;
    bool inUse = false;
    bool leaf = false;       // A client's node. Invariant: a leaf has no children.
    bool isVirtual = false;  // A virtual leaf "<parent path>/.".
    bool active = false;     // Leaves only.
    double weight = 1.0;     // Cached from the hierarchy while the tree is clean.
    Scalars allocation;      // Invariant: the sum over the node's subtree's clients.
    std::uint64_t count = 0;
    double share = 0.0;      // Invariant while clean: dominantShare(allocation, weight).
    std::vector<std::uint32_t> children;  // Every child.
    // While clean: the internal children and the active leaf children, ascending.
    OrderedChildren order;
  };

  bool clean() const { return !dirty_ && sortedVersion_ == shares_.version; }
  void ensureClean();
  void markDirty();
  bool inOrder(const Node& node) const { return !node.leaf || node.active; }
  Entry entryOf(std::uint32_t node) const { return {nodes_[node].share, nodes_[node].count, node, 0}; }
  bool less(const Entry& x, const Entry& y) const;
  std::uint32_t newNode(std::int32_t parent, ClientId id, std::string path, bool leaf, bool isVirtual);
  void freeNode(std::uint32_t node);
  void expand(std::uint32_t node);
  // Appends the active leaves under `node` in pre-order.
  void collect(std::uint32_t node, std::vector<ClientId>& out) const;
  std::int32_t leafOf(ClientId client) const;

  const ShareContext& shares_;
  const Hierarchy& hierarchy_;
  const bool hierarchical_;

  std::vector<Node> nodes_;  // nodes_[0] is the root.
  // nodes_[i].id, packed: walks read ids at every step and Node is large.
  std::vector<ClientId> ids_;
  // The rank of nodes_[i].path (then id) among its siblings, set by each full sort: comparisons
  // that tie on share and count (common: frameworks holding the same) compare these instead of
  // strings.
  std::vector<std::uint32_t> pathRanks_;
  std::vector<std::uint32_t> freeNodes_;
  // Client ids are the allocator's dense indices, but each framework sorter holds only a few of
  // them: a vector per sorter indexed by id would cost roles x frameworks, hence hash tables.
  // Client id -> its leaf (virtual when the client's node has children).
  FlatTable<std::int32_t> leafOf_;
  // Role id -> the node at its place in the hierarchy (internal, or the client's own leaf).
  FlatTable<std::int32_t> nodeOf_;
  // Non-root internal nodes. While 0 the tree is flat and walks need no snapshot.
  std::size_t internalNodes_ = 0;
  bool dirty_ = true;
  bool ranksDirty_ = true;  // Membership changed since pathRanks_ were computed.
  std::uint64_t sortedVersion_ = 0;

  // The open walk. A flat walk iterates the root's children in place: allocated() only moves the
  // client just returned, to the right, so the unvisited clients keep their relative order; it
  // remembers the next unvisited entry and finds it again after the move (relocate_), and skips
  // the moved client when it meets it again (Entry::moved). A hierarchical walk copies the order at
  // beginWalk(), because moving an internal node carries unvisited leaves along.
  bool walking_ = false;
  bool flatWalk_ = false;
  std::uint32_t walkStamp_ = 0;
  OrderedChildren::Pos cursor_;
  bool relocate_ = false;
  std::int64_t savedNext_ = -1;  // Node index, -1 for the end.
  std::vector<ClientId> snapshot_;
  std::size_t snapshotPos_ = 0;
  // The client a flat walk returned last and its leaf, which allocated() most likely asks for.
  ClientId lastClient_ = 0;
  std::int32_t lastLeaf_ = -1;
  OrderedChildren::Pos lastPos_;  // Where that leaf's entry is, until something moves.
  std::vector<Entry> scratch_;
  std::vector<std::uint32_t> rankScratch_;
};

}  // namespace mesos::drf
