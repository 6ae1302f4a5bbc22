#include "drf/drf_sorter.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace mesos::drf {

// ---------------------------------------------------------------------------------------------
// OrderedChildren

std::vector<DrfSorter::Entry> DrfSorter::OrderedChildren::newBlock() {
  if (spare_.empty()) {
    std::vector<Entry> block;
    block.reserve(kMaxBlock + 1);
    return block;
  }
  std::vector<Entry> block = std::move(spare_.back());
  spare_.pop_back();
  block.clear();
  return block;
}

template <typename Less>
DrfSorter::OrderedChildren::Pos DrfSorter::OrderedChildren::lowerBound(const Entry& key,
                                                                       const Less& less) const {
  // The first block whose last entry is not less than the key holds the lower bound.
  std::size_t lo = 0;
  std::size_t hi = blocks_.size();
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (less(last_[mid], key)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo == blocks_.size()) return Pos{blocks_.size(), 0};
  const std::vector<Entry>& block = blocks_[lo];
  const auto it = std::lower_bound(block.begin(), block.end(), key, less);
  return Pos{lo, static_cast<std::size_t>(it - block.begin())};
}

template <typename Less>
void DrfSorter::OrderedChildren::insert(const Entry& entry, const Less& less) {
  ++size_;
  if (blocks_.empty()) {
    blocks_.push_back(newBlock());
    blocks_.back().push_back(entry);
    last_.push_back(entry);
    return;
  }
  Pos pos = lowerBound(entry, less);
  if (pos.block == blocks_.size()) pos = Pos{blocks_.size() - 1, blocks_.back().size()};
  std::vector<Entry>& block = blocks_[pos.block];
  block.insert(block.begin() + static_cast<std::ptrdiff_t>(pos.index), entry);
  last_[pos.block] = block.back();
  if (block.size() > kMaxBlock) {
    std::vector<Entry> upper = newBlock();
    const std::size_t half = block.size() / 2;
    upper.assign(block.begin() + static_cast<std::ptrdiff_t>(half), block.end());
    block.resize(half);
    last_[pos.block] = block.back();
    last_.insert(last_.begin() + static_cast<std::ptrdiff_t>(pos.block) + 1, upper.back());
    blocks_.insert(blocks_.begin() + static_cast<std::ptrdiff_t>(pos.block) + 1, std::move(upper));
  }
}

template <typename Less>
bool DrfSorter::OrderedChildren::erase(const Entry& entry, const Less& less) {
  const Pos pos = lowerBound(entry, less);
  if (!valid(pos) || at(pos).node != entry.node) return false;
  eraseAt(pos);
  return true;
}

void DrfSorter::OrderedChildren::eraseAt(const Pos& pos) {
  std::vector<Entry>& block = blocks_[pos.block];
  block.erase(block.begin() + static_cast<std::ptrdiff_t>(pos.index));
  --size_;
  if (block.empty()) {
    spare_.push_back(std::move(block));
    blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(pos.block));
    last_.erase(last_.begin() + static_cast<std::ptrdiff_t>(pos.block));
  } else {
    last_[pos.block] = block.back();
  }
}

void DrfSorter::OrderedChildren::assign(const std::vector<Entry>& sorted) {
  clear();
  for (std::size_t i = 0; i < sorted.size(); i += kFillBlock) {
    std::vector<Entry> block = newBlock();
    const std::size_t end = std::min(sorted.size(), i + kFillBlock);
    block.assign(sorted.begin() + static_cast<std::ptrdiff_t>(i),
                 sorted.begin() + static_cast<std::ptrdiff_t>(end));
    last_.push_back(block.back());
    blocks_.push_back(std::move(block));
  }
  size_ = sorted.size();
}

void DrfSorter::OrderedChildren::clear() {
  for (std::vector<Entry>& block : blocks_) spare_.push_back(std::move(block));
  blocks_.clear();
  last_.clear();
  size_ = 0;
}

// ---------------------------------------------------------------------------------------------
// DrfSorter

DrfSorter::DrfSorter(const ShareContext& shares, const Hierarchy& hierarchy, bool hierarchical)
    : shares_(shares), hierarchy_(hierarchy), hierarchical_(hierarchical) {
  nodes_.emplace_back();
  nodes_[0].inUse = true;
  ids_.push_back(0);
  pathRanks_.push_back(0);
}

bool DrfSorter::less(const Entry& x, const Entry& y) const {
  if (x.share != y.share) return x.share < y.share;
  if (x.count != y.count) return x.count < y.count;
  // Then by path, bytewise as std::string's operator< and JavaScript's string < agree for the
  // ASCII of role names and framework ids; paths are unique among siblings, and the id only
  // makes the order total. pathRanks_ holds that order among siblings.
  return pathRanks_[x.node] < pathRanks_[y.node];
}

std::uint32_t DrfSorter::newNode(std::int32_t parent, ClientId id, std::string path, bool leaf,
                                 bool isVirtual) {
  std::uint32_t index;
  if (freeNodes_.empty()) {
    index = static_cast<std::uint32_t>(nodes_.size());
    nodes_.emplace_back();
    ids_.push_back(0);
    pathRanks_.push_back(0);
  } else {
    index = freeNodes_.back();
    freeNodes_.pop_back();
  }
  Node& node = nodes_[index];
  node.parent = parent;
  node.id = id;
  ids_[index] = id;
  node.path = std::move(path);
  node.inUse = true;
  node.leaf = leaf;
  node.isVirtual = isVirtual;
  node.active = false;
  node.weight = 1.0;
  node.allocation.clear();
  node.count = 0;
  node.share = 0.0;
  node.children.clear();
  node.order.clear();
  if (!leaf) ++internalNodes_;
  return index;
}

void DrfSorter::freeNode(std::uint32_t index) {
  Node& node = nodes_[index];
  if (!node.leaf) --internalNodes_;
  node.inUse = false;
  node.children.clear();
  node.order.clear();
  freeNodes_.push_back(index);
}

std::int32_t DrfSorter::leafOf(ClientId client) const {
  const std::int32_t* leaf = leafOf_.find(client);
  return leaf != nullptr ? *leaf : -1;
}

namespace {

void put(FlatTable<std::int32_t>& table, ClientId id, std::int32_t value) {
  if (std::int32_t* slot = table.find(id)) {
    *slot = value;
  } else {
    table.insert(id, value);
  }
}

}  // namespace

bool DrfSorter::contains(ClientId client) const { return leafOf(client) >= 0; }

void DrfSorter::markDirty() {
  dirty_ = true;
  walking_ = false;
  lastLeaf_ = -1;
}

void DrfSorter::expand(std::uint32_t index) {
  // Copy what the new node needs first: newNode may reallocate nodes_.
  const ClientId id = nodes_[index].id;
  std::string path = nodes_[index].path + "/.";
  const std::uint32_t leaf = newNode(static_cast<std::int32_t>(index), id, std::move(path), true, true);
  Node& node = nodes_[index];
  Node& virtualLeaf = nodes_[leaf];
  virtualLeaf.active = node.active;
  virtualLeaf.allocation = node.allocation;
  virtualLeaf.count = node.count;
  node.leaf = false;
  node.active = false;
  ++internalNodes_;
  node.children.push_back(leaf);
  put(leafOf_, id, static_cast<std::int32_t>(leaf));
}

void DrfSorter::add(ClientId client) {
  assert(!contains(client));
  // The chain of ids from the top-level ancestor down to the client. A flat sorter's chain is the
  // client alone.
  std::vector<ClientId> chain{client};
  if (hierarchical_) {
    for (std::int64_t parent = hierarchy_.parentOf(client); parent != kNoParent;
         parent = hierarchy_.parentOf(static_cast<ClientId>(parent))) {
      chain.push_back(static_cast<ClientId>(parent));
    }
    std::reverse(chain.begin(), chain.end());
  }

  // Like `mkdir -p`: walk down, creating the nodes that are missing.
  std::uint32_t current = 0;
  std::int64_t created = -1;
  for (ClientId id : chain) {
    if (const std::int32_t* existing = nodeOf_.find(id)) {
      current = static_cast<std::uint32_t>(*existing);
      continue;
    }
    if (nodes_[current].leaf) expand(current);
    const std::uint32_t node =
        newNode(static_cast<std::int32_t>(current), id, hierarchy_.pathOf(id), false, false);
    nodes_[current].children.push_back(node);
    put(nodeOf_, id, static_cast<std::int32_t>(node));
    current = node;
    created = node;
  }
  if (static_cast<std::int64_t>(current) == created) {
    nodes_[current].leaf = true;
    --internalNodes_;
  } else {
    // The client's node already exists as an internal node (its subroles have clients), so the
    // client gets a fresh virtual leaf beside them.
    std::string path = nodes_[current].path + "/.";
    const std::uint32_t leaf =
        newNode(static_cast<std::int32_t>(current), client, std::move(path), true, true);
    nodes_[current].children.push_back(leaf);
    current = leaf;
  }
  put(leafOf_, client, static_cast<std::int32_t>(current));
  ranksDirty_ = true;
  markDirty();
}

void DrfSorter::remove(ClientId client) {
  assert(contains(client));
  const std::uint32_t leaf = static_cast<std::uint32_t>(leafOf(client));
  leafOf_.erase(client);
  ranksDirty_ = true;
  const Scalars allocation = nodes_[leaf].allocation;
  std::uint32_t current = leaf;
  while (nodes_[current].parent >= 0) {
    const std::uint32_t parent = static_cast<std::uint32_t>(nodes_[current].parent);
    Node& node = nodes_[current];
    if (node.children.empty()) {
      std::vector<std::uint32_t>& siblings = nodes_[parent].children;
      siblings.erase(std::find(siblings.begin(), siblings.end(), current));
      if (!node.isVirtual) nodeOf_.erase(node.id);
      freeNode(current);
    } else {
      if (node.children.size() == 1 && nodes_[node.children[0]].isVirtual) {
        // Only the client's virtual leaf is left: the node is the client's leaf again, and
        // keeps its own count.
        const std::uint32_t only = node.children[0];
        node.children.clear();
        node.leaf = true;
        --internalNodes_;
        node.active = nodes_[only].active;
        put(leafOf_, nodes_[only].id, static_cast<std::int32_t>(current));
        freeNode(only);
      }
      subtractScalars(nodes_[current].allocation, allocation);
    }
    current = parent;
  }
  markDirty();
}

void DrfSorter::activate(ClientId client) {
  Node& node = nodes_[static_cast<std::uint32_t>(leafOf(client))];
  if (node.active) return;
  node.active = true;
  markDirty();
}

void DrfSorter::deactivate(ClientId client) {
  Node& node = nodes_[static_cast<std::uint32_t>(leafOf(client))];
  if (!node.active) return;
  node.active = false;
  markDirty();
}

void DrfSorter::allocated(ClientId client, const Scalars& scalars) {
  const bool incremental = clean();
  if (incremental && walking_ && flatWalk_ && !relocate_) {
    // The move below invalidates the cursor: remember the next entry to find it again.
    const OrderedChildren& top = nodes_[0].order;
    savedNext_ = top.valid(cursor_) ? static_cast<std::int64_t>(top.at(cursor_).node) : -1;
    relocate_ = true;
  }
  if (!incremental) walking_ = false;
  const auto byKey = [this](const Entry& x, const Entry& y) { return less(x, y); };
  const std::int32_t leaf = walking_ && lastLeaf_ >= 0 && lastClient_ == client ? lastLeaf_ : leafOf(client);
  for (std::uint32_t n = static_cast<std::uint32_t>(leaf); nodes_[n].parent >= 0;
       n = static_cast<std::uint32_t>(nodes_[n].parent)) {
    Node& node = nodes_[n];
    OrderedChildren& siblings = nodes_[static_cast<std::uint32_t>(node.parent)].order;
    const bool listed = incremental && inOrder(node);
    if (listed) {
      // The client a flat walk just returned sits right before the cursor: no search needed.
      if (n == static_cast<std::uint32_t>(leaf) && lastLeaf_ == leaf && walking_ && flatWalk_ &&
          siblings.validAt(lastPos_, n)) {
        siblings.eraseAt(lastPos_);
      } else {
        siblings.erase(entryOf(n), byKey);
      }
    }
    addScalars(node.allocation, scalars);
    ++node.count;
    if (listed) {
      // A larger count and no smaller share: the node moves right among its siblings.
      node.share = dominantShare(node.allocation, shares_, node.weight);
      Entry entry = entryOf(n);
      if (walking_ && flatWalk_) entry.moved = walkStamp_;
      siblings.insert(entry, byKey);
    }
  }
}

void DrfSorter::unallocated(ClientId client, const Scalars& scalars) {
  for (std::int32_t n = leafOf(client); n > 0; n = nodes_[static_cast<std::uint32_t>(n)].parent) {
    subtractScalars(nodes_[static_cast<std::uint32_t>(n)].allocation, scalars);
  }
  markDirty();
}

void DrfSorter::update(ClientId client, const Scalars& removed, const Scalars& added) {
  for (std::int32_t n = leafOf(client); n > 0; n = nodes_[static_cast<std::uint32_t>(n)].parent) {
    Node& node = nodes_[static_cast<std::uint32_t>(n)];
    subtractScalars(node.allocation, removed);
    addScalars(node.allocation, added);
  }
  markDirty();
}

void DrfSorter::weightsChanged() { markDirty(); }

double DrfSorter::share(ClientId client) const {
  const Node& node = nodes_[static_cast<std::uint32_t>(leafOf(client))];
  return dominantShare(node.allocation, shares_, hierarchy_.weightOf(node.id));
}

std::uint64_t DrfSorter::count(ClientId client) const {
  return nodes_[static_cast<std::uint32_t>(leafOf(client))].count;
}

void DrfSorter::ensureClean() {
  if (clean()) return;
  const auto byKey = [this](const Entry& x, const Entry& y) { return less(x, y); };
  for (std::size_t i = 1; i < nodes_.size(); ++i) {
    Node& node = nodes_[i];
    if (!node.inUse) continue;
    node.weight = hierarchy_.weightOf(node.id);
    node.share = dominantShare(node.allocation, shares_, node.weight);
  }
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    Node& node = nodes_[i];
    if (!node.inUse || node.leaf) continue;
    if (ranksDirty_) {
      // Rank the children by (path, id) first: less() relies on it. Only membership changes
      // paths, so this runs after add() and remove() only.
      rankScratch_.assign(node.children.begin(), node.children.end());
      std::sort(rankScratch_.begin(), rankScratch_.end(), [this](std::uint32_t x, std::uint32_t y) {
        const int byPath = nodes_[x].path.compare(nodes_[y].path);
        return byPath != 0 ? byPath < 0 : nodes_[x].id < nodes_[y].id;
      });
      for (std::size_t rank = 0; rank < rankScratch_.size(); ++rank) {
        pathRanks_[rankScratch_[rank]] = static_cast<std::uint32_t>(rank);
      }
    }
    scratch_.clear();
    for (std::uint32_t child : node.children) {
      if (inOrder(nodes_[child])) scratch_.push_back(entryOf(child));
    }
    std::sort(scratch_.begin(), scratch_.end(), byKey);
    node.order.assign(scratch_);
  }
  dirty_ = false;
  ranksDirty_ = false;
  sortedVersion_ = shares_.version;
}

void DrfSorter::collect(std::uint32_t index, std::vector<ClientId>& out) const {
  const OrderedChildren& order = nodes_[index].order;
  for (OrderedChildren::Pos pos = order.begin(); order.valid(pos); order.advance(pos)) {
    const std::uint32_t child = order.at(pos).node;
    const Node& node = nodes_[child];
    if (node.leaf) {
      out.push_back(node.id);  // Listed leaves are active.
    } else {
      collect(child, out);
    }
  }
}

void DrfSorter::sort(std::vector<ClientId>& out) {
  ensureClean();
  out.clear();
  collect(0, out);
}

std::int64_t DrfSorter::rank(ClientId client) {
  if (!contains(client)) return -1;
  std::vector<ClientId> order;
  sort(order);
  const auto it = std::find(order.begin(), order.end(), client);
  return it == order.end() ? -1 : it - order.begin();
}

void DrfSorter::beginWalk() {
  ensureClean();
  if (++walkStamp_ == 0) {
    // After 2^32 walks a stale mark could match: start the marks afresh.
    markDirty();
    ensureClean();
    walkStamp_ = 1;
  }
  walking_ = true;
  relocate_ = false;
  lastLeaf_ = -1;
  flatWalk_ = internalNodes_ == 0;
  if (flatWalk_) {
    cursor_ = nodes_[0].order.begin();
  } else {
    snapshot_.clear();
    collect(0, snapshot_);
    snapshotPos_ = 0;
  }
}

bool DrfSorter::next(ClientId& client) {
  if (!walking_) return false;
  if (!flatWalk_) {
    if (snapshotPos_ == snapshot_.size()) return false;
    client = snapshot_[snapshotPos_++];
    return true;
  }
  const OrderedChildren& order = nodes_[0].order;
  if (relocate_) {
    relocate_ = false;
    if (savedNext_ < 0) {
      cursor_ = OrderedChildren::Pos{static_cast<std::size_t>(-1), 0};
      return false;
    }
    const auto byKey = [this](const Entry& x, const Entry& y) { return less(x, y); };
    cursor_ = order.lowerBound(entryOf(static_cast<std::uint32_t>(savedNext_)), byKey);
  }
  while (order.valid(cursor_)) {
    const Entry& entry = order.at(cursor_);
    lastPos_ = cursor_;
    order.advance(cursor_);
    if (entry.moved == walkStamp_) continue;  // Moved here after its visit.
    client = ids_[entry.node];
    // The visit may allocate to this client next: have its node on the way.
    __builtin_prefetch(&nodes_[entry.node]);
    lastClient_ = client;
    lastLeaf_ = static_cast<std::int32_t>(entry.node);
    return true;
  }
  return false;
}

void DrfSorter::endWalk() {
  walking_ = false;
  lastLeaf_ = -1;
}

}  // namespace mesos::drf
