#include "drf/allocator.h"

#include <algorithm>
#include <cassert>
#include <string>

#include "drf/drf_sorter.h"

namespace mesos::drf {

namespace {

// A new agent, framework or role index may leave a gap of at most this many unused indices past
// the highest one so far. The facade interns ids densely; the bound only keeps a corrupt index
// from sizing the dense tables to billions.
constexpr std::size_t kMaxIndexGap = 65536;

// Bulk skip classes, as RoleBulk::count indexes them.
constexpr int kBulkNothingLeft = 0;
constexpr int kBulkLimit = 1;
constexpr int kBulkMinAllocatable = 2;
constexpr int kBulkFiltered = 3;
constexpr Skip kBulkReason[4] = {kSkipNothingLeft, kSkipLimit, kSkipMinAllocatable, kSkipFiltered};

Error semantic(const std::string& message) { return Error::plain(message); }

// Asks for up to 1 KiB from `data` to be brought into cache.
void prefetchBytes(const void* data, std::size_t bytes) {
  const char* from = static_cast<const char*>(data);
  for (std::size_t line = 0; line < std::min<std::size_t>(bytes, 1024); line += 64) __builtin_prefetch(from + line);
}

std::int64_t satAdd(std::int64_t a, std::int64_t b) {
  std::int64_t out;
  return __builtin_add_overflow(a, b, &out) ? (b > 0 ? kUnlimited - 1 : -(kUnlimited - 1)) : out;
}

// a += sign * b, growing a.
void addSigned(Scalars& a, const Scalars& b, int sign) {
  if (b.size() > a.size()) a.resize(b.size(), 0);
  for (std::size_t k = 0; k < b.size(); ++k) a[k] = satAdd(a[k], sign * b[k]);
}

SparseScalars sparseOf(const Scalars& s, bool keepZeros, std::int64_t skip) {
  SparseScalars out;
  for (std::size_t k = 0; k < s.size(); ++k) {
    if (s[k] == skip || (!keepZeros && s[k] == 0)) continue;
    out.emplace_back(static_cast<std::uint32_t>(k), s[k]);
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Construction

class Allocator::RoleHierarchy final : public Hierarchy {
 public:
  explicit RoleHierarchy(const Allocator& allocator) : allocator_(allocator) {}
  std::int64_t parentOf(ClientId id) const override { return allocator_.roles_[id].parent; }
  const std::string& pathOf(ClientId id) const override { return allocator_.roles_[id].name; }
  double weightOf(ClientId id) const override { return allocator_.roles_[id].weight; }

 private:
  const Allocator& allocator_;
};

class Allocator::FrameworkHierarchy final : public Hierarchy {
 public:
  explicit FrameworkHierarchy(const Allocator& allocator) : allocator_(allocator) {}
  std::int64_t parentOf(ClientId) const override { return kNoParent; }
  const std::string& pathOf(ClientId id) const override { return allocator_.frameworks_[id].name; }
  double weightOf(ClientId) const override { return 1.0; }

 private:
  const Allocator& allocator_;
};

SorterFactories defaultSorterFactories() {
  SorterFactories factories;
  factories.drf = [](const SorterContext& context, bool hierarchical) -> std::unique_ptr<Sorter> {
    return std::make_unique<DrfSorter>(context.shares, context.hierarchy, hierarchical);
  };
  factories.random = [](const SorterContext& context, bool) -> std::unique_ptr<Sorter> {
    return std::make_unique<RandomSorter>(context.shares, context.hierarchy, context.random);
  };
  return factories;
}

Allocator::Allocator(SorterFactories factories)
    : factories_(std::move(factories)),
      roleHierarchy_(std::make_unique<RoleHierarchy>(*this)),
      frameworkHierarchy_(std::make_unique<FrameworkHierarchy>(*this)) {}

Allocator::~Allocator() = default;

// ---------------------------------------------------------------------------------------------
// Applying events

Try<std::size_t> Allocator::apply(std::span<const double> data,
                                  std::span<const std::string> strings) {
  Try<std::vector<Event>> decoded = decodeBatch(data, strings);
  if (decoded.isError()) return decoded.error();
  const std::vector<Event>& events = decoded.get();
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    Try<bool> applied = applyEvent(e);
    if (applied.isError()) {
      return Error::plain("event " + std::to_string(i) + " (" + opName(e.op) + " at " +
                          std::to_string(e.offset) + "): " + applied.error().message +
                          (i == 0 ? "; nothing in the batch was applied"
                                  : "; the " + std::to_string(i) + " events before it were applied"));
    }
  }
  return events.size();
}

Try<bool> Allocator::applyEvent(const Event& e) {
  if (e.op == Op::kConfigure) return configure(e);
  if (!configured_) return semantic("the allocator is not configured (CONFIGURE must come first)");
  switch (e.op) {
    case Op::kConfigure: break;
    case Op::kAddRole: return addRole(e);
    case Op::kSetWeight: return setWeight(e);
    case Op::kSetQuota: return setQuota(e);
    case Op::kAddAgent: return addAgent(e);
    case Op::kUpdateAgent: return updateAgent(e);
    case Op::kRemoveAgent: return removeAgent(e);
    case Op::kActivateAgent:
    case Op::kDeactivateAgent: {
      Try<bool> ok = checkAgent(e.agent);
      if (ok.isError()) return ok;
      agents_[e.agent].activated = e.op == Op::kActivateAgent;
      return true;
    }
    case Op::kAddFramework: return addFramework(e);
    case Op::kUpdateFramework: return updateFramework(e);
    case Op::kRemoveFramework: return removeFramework(e);
    case Op::kActivateFramework: return setFrameworkActive(e, true);
    case Op::kDeactivateFramework: return setFrameworkActive(e, false);
    case Op::kSuppress: return suppressOrRevive(e, true);
    case Op::kRevive: return suppressOrRevive(e, false);
    case Op::kSetMinAllocatable: return setMinAllocatable(e);
    case Op::kAddAllocation: return addAllocation(e);
    case Op::kRecover: return recover(e);
    case Op::kConvert: return convert(e);
  }
  return semantic("unknown event");
}

Try<bool> Allocator::checkNewIndex(const char* what, std::uint32_t index, std::size_t size) const {
  if (index >= size + kMaxIndexGap) {
    return semantic(std::string(what) + " index " + std::to_string(index) + " leaves a gap of more than " +
                    std::to_string(kMaxIndexGap) + " past the highest one so far");
  }
  return true;
}

Try<bool> Allocator::checkRole(std::uint32_t role) const {
  if (role >= roles_.size() || !roles_[role].exists) {
    return semantic("unknown role " + std::to_string(role));
  }
  return true;
}

Try<bool> Allocator::checkRoles(const std::vector<std::uint32_t>& roles) const {
  for (std::uint32_t r : roles) {
    Try<bool> ok = checkRole(r);
    if (ok.isError()) return ok;
  }
  return true;
}

Try<bool> Allocator::checkSubset(const std::vector<std::uint32_t>& roles,
                                 const std::vector<std::uint32_t>& of) const {
  for (std::uint32_t r : roles) {
    Try<bool> ok = checkRole(r);
    if (ok.isError()) return ok;
    if (std::find(of.begin(), of.end(), r) == of.end()) {
      return semantic("role " + std::to_string(r) + " is not one of the framework's roles");
    }
  }
  return true;
}

Try<bool> Allocator::checkAgent(std::uint32_t agent) const {
  if (agent >= agents_.size() || !agents_[agent].exists) {
    return semantic("unknown agent " + std::to_string(agent));
  }
  return true;
}

Try<bool> Allocator::checkFramework(std::uint32_t framework) const {
  if (framework >= frameworks_.size() || !frameworks_[framework].exists) {
    return semantic("unknown framework " + std::to_string(framework));
  }
  return true;
}

Try<bool> Allocator::checkPools(const Pooled& pooled) const {
  for (const PoolBundle& pb : pooled.pools) {
    if (pb.pool == kUnreserved) continue;
    if (static_cast<std::size_t>(pb.pool) >= roles_.size() || !roles_[static_cast<std::size_t>(pb.pool)].exists) {
      return semantic("reservation to role " + std::to_string(pb.pool) + ", which does not exist");
    }
  }
  return true;
}

Try<bool> Allocator::configure(const Event& e) {
  if (configured_) return semantic("CONFIGURE was already applied");
  configured_ = true;
  random_.reseed(e.seed);
  gpuScalar_ = e.gpuScalar;
  for (std::uint32_t k : e.excluded) {
    if (k >= shares_.excluded.size()) shares_.excluded.resize(k + 1, 0);
    shares_.excluded[k] = 1;
  }
  ++shares_.version;
  defaultGroups_ = e.groups;
  frameworkSorterKind_ = e.frameworkSorter;
  const SorterContext context{shares_, *roleHierarchy_, random_};
  roleSorter_ = (e.roleSorter == kSorterRandom ? factories_.random : factories_.drf)(context, true);
  return true;
}

Try<bool> Allocator::addRole(const Event& e) {
  if (e.role < roles_.size() && roles_[e.role].exists) {
    return semantic("role " + std::to_string(e.role) + " already exists");
  }
  Try<bool> ok = checkNewIndex("role", e.role, roles_.size());
  if (ok.isError()) return ok;
  if (e.parent != -1) {
    ok = checkRole(static_cast<std::uint32_t>(e.parent));
    if (ok.isError()) return semantic("parent of role " + std::to_string(e.role) + ": " + ok.error().message);
  }
  if (e.role >= roles_.size()) {
    roles_.resize(e.role + 1);
    roleFiltered_.resize(e.role + 1);
    roleHot_.resize(e.role + 1);
    roleBulk_.resize(e.role + 1);
    topMasks_.resize(e.role + 1);
  }
  Role& role = roles_[e.role];
  role = Role{};
  role.exists = true;
  role.parent = e.parent;
  // The facade sends Mesos role names, which are full paths ("a/b"); a bare last element ("b")
  // is joined to its parent's path.
  role.name = e.name;
  if (e.parent != -1) {
    const std::string& parentPath = roles_[static_cast<std::size_t>(e.parent)].name;
    if (e.name.compare(0, parentPath.size() + 1, parentPath + "/") != 0) role.name = parentPath + "/" + e.name;
  }
  role.weight = 1.0;
  if (e.parent == -1) {
    role.top = e.role;
  } else {
    const Role& parent = roles_[static_cast<std::size_t>(e.parent)];
    role.top = parent.top;
    role.pools = parent.pools;
  }
  role.pools.push_back(static_cast<std::int32_t>(e.role));
  std::sort(role.pools.begin(), role.pools.end());
  roleHot_[e.role] = RoleHot{role.top, 0};
  roleBulk_[e.role] = RoleBulk{};
  topMasks_[e.role] = TopMasks{};
  return true;
}

Try<bool> Allocator::setWeight(const Event& e) {
  Try<bool> ok = checkRole(e.role);
  if (ok.isError()) return ok;
  roles_[e.role].weight = e.weight;
  roleSorter_->weightsChanged();
  return true;
}

std::int64_t Allocator::unsatisfied(const Role& top, std::size_t k) const {
  return std::max<std::int64_t>(0, scalarAt(top.guarantee, k) - scalarAt(top.consumed, k));
}

std::int64_t Allocator::limitRoom(const Role& top, std::size_t k) const {
  const std::int64_t limit = k < top.limit.size() ? top.limit[k] : kUnlimited;
  if (limit == kUnlimited) return kUnlimited;
  return std::max<std::int64_t>(0, limit - scalarAt(top.consumed, k));
}

std::int64_t Allocator::surplus(std::size_t k) const {
  return std::max<std::int64_t>(0, scalarAt(free_, k) - scalarAt(required_, k));
}

Try<bool> Allocator::setQuota(const Event& e) {
  Try<bool> ok = checkRole(e.role);
  if (ok.isError()) return ok;
  Role& role = roles_[e.role];
  if (role.parent != -1) {
    return semantic("quota on role " + std::to_string(e.role) + " ('" + role.name +
                    "'), which is not top-level");
  }
  const std::size_t n = std::max({role.guarantee.size(), e.guarantee.size(), role.consumed.size()});
  if (required_.size() < n) required_.resize(n, 0);
  const bool wasUnsatisfied = role.unsatisfiedScalars > 0;
  for (std::size_t k = 0; k < n; ++k) required_[k] -= unsatisfied(role, k);
  role.guarantee = e.guarantee;
  role.limit = e.limit;
  role.unsatisfiedScalars = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const std::int64_t owed = unsatisfied(role, k);
    required_[k] += owed;
    if (owed > 0) ++role.unsatisfiedScalars;
  }
  const bool isUnsatisfied = role.unsatisfiedScalars > 0;
  if (wasUnsatisfied != isUnsatisfied) unsatisfiedRoles_ += isUnsatisfied ? 1 : -1;
  if (std::max(role.guarantee.size(), role.limit.size()) > 64) wideScalars_ = true;
  refreshTopMasks(e.role);
  refreshSurplusMask();
  return true;
}

void Allocator::refreshTopMasks(std::uint32_t topIndex) {
  const Role& top = roles_[topIndex];
  TopMasks masks;
  masks.roomZero = 0;
  masks.unsatZero = ~std::uint64_t{0};
  for (std::size_t k = 0; k < 64; ++k) {
    const std::uint64_t bit = std::uint64_t{1} << k;
    if (limitRoom(top, k) == 0) masks.roomZero |= bit;
    if (unsatisfied(top, k) > 0) masks.unsatZero &= ~bit;
  }
  TopMasks& current = topMasks_[topIndex];
  masks.owed = top.unsatisfiedScalars > 0;
  if (current.roomZero != masks.roomZero || current.unsatZero != masks.unsatZero) ++masksEpoch_;
  current = masks;
}

void Allocator::refreshTopMaskBit(std::uint32_t topIndex, std::size_t k) {
  const Role& top = roles_[topIndex];
  TopMasks& masks = topMasks_[topIndex];
  masks.owed = top.unsatisfiedScalars > 0;
  if (k >= 64) return;
  const std::uint64_t bit = std::uint64_t{1} << k;
  const std::uint64_t roomZero = limitRoom(top, k) == 0 ? masks.roomZero | bit : masks.roomZero & ~bit;
  const std::uint64_t unsatZero = unsatisfied(top, k) > 0 ? masks.unsatZero & ~bit : masks.unsatZero | bit;
  if (roomZero != masks.roomZero || unsatZero != masks.unsatZero) {
    masks.roomZero = roomZero;
    masks.unsatZero = unsatZero;
    ++masksEpoch_;
  }
}

void Allocator::refreshSurplusMask() {
  std::uint64_t mask = ~std::uint64_t{0};
  const std::size_t n = std::min<std::size_t>(64, std::max(free_.size(), required_.size()));
  for (std::size_t k = 0; k < n; ++k) {
    if (surplus(k) > 0) mask &= ~(std::uint64_t{1} << k);
  }
  if (mask != surplusZero_) {
    surplusZero_ = mask;
    ++masksEpoch_;
  }
}

void Allocator::noteScalars(const Pooled& pooled) {
  for (const PoolBundle& pb : pooled.pools) {
    if (pb.bundle.scalars.size() > 64) wideScalars_ = true;
  }
}

void Allocator::addConsumed(std::uint32_t topIndex, const Scalars& scalars, int sign) {
  Role& top = roles_[topIndex];
  const bool wasUnsatisfied = top.unsatisfiedScalars > 0;
  if (top.consumed.size() < scalars.size()) top.consumed.resize(scalars.size(), 0);
  if (required_.size() < scalars.size()) required_.resize(scalars.size(), 0);
  for (std::size_t k = 0; k < scalars.size(); ++k) {
    if (scalars[k] == 0) continue;
    const std::int64_t before = unsatisfied(top, k);
    top.consumed[k] = satAdd(top.consumed[k], sign * scalars[k]);
    const std::int64_t after = unsatisfied(top, k);
    required_[k] += after - before;
    if (before > 0 && after == 0) --top.unsatisfiedScalars;
    if (before == 0 && after > 0) ++top.unsatisfiedScalars;
    if (k < top.guarantee.size() || k < top.limit.size()) refreshTopMaskBit(topIndex, k);
  }
  const bool isUnsatisfied = top.unsatisfiedScalars > 0;
  if (wasUnsatisfied != isUnsatisfied) unsatisfiedRoles_ += isUnsatisfied ? 1 : -1;
  refreshSurplusMask();
}

void Allocator::addReservations(const Pooled& pooled, int sign) {
  for (const PoolBundle& pb : pooled.pools) {
    if (pb.pool == kUnreserved) continue;
    addConsumed(roles_[static_cast<std::size_t>(pb.pool)].top, pb.bundle.scalars, sign);
  }
}

void Allocator::addClusterTotal(const Pooled& pooled, int sign) {
  bool changed = false;
  for (const PoolBundle& pb : pooled.pools) {
    if (scalarsZero(pb.bundle.scalars)) continue;
    addSigned(shares_.total, pb.bundle.scalars, sign);
    changed = true;
  }
  if (changed) ++shares_.version;
}

void Allocator::addFree(const Bundle* unreserved, int sign) {
  if (unreserved == nullptr) return;
  addSigned(free_, unreserved->scalars, sign);
  refreshSurplusMask();
}

Try<bool> Allocator::addAgent(const Event& e) {
  if (e.agent < agents_.size() && agents_[e.agent].exists) {
    return semantic("agent " + std::to_string(e.agent) + " already exists");
  }
  Try<bool> ok = checkNewIndex("agent", e.agent, agents_.size());
  if (ok.isError()) return ok;
  ok = checkPools(e.resources);
  if (ok.isError()) return ok;
  if (e.agent >= agents_.size()) agents_.resize(e.agent + 1);
  Agent& agent = agents_[e.agent];
  agent.exists = true;
  agent.activated = e.flag;
  agent.total = e.resources;
  agent.avail = e.resources;
  agent.hasGpu = pooledHasGpu(agent.total, gpuScalar_);
  noteScalars(agent.total);
  agent.records.clear();
  agent.buckets.clear();
  addClusterTotal(agent.total, 1);
  addReservations(agent.total, 1);
  addFree(agent.avail.find(kUnreserved), 1);
  return true;
}

Try<bool> Allocator::updateAgent(const Event& e) {
  Try<bool> ok = checkAgent(e.agent);
  if (ok.isError()) return ok;
  ok = checkPools(e.resources);
  if (ok.isError()) return ok;
  Agent& agent = agents_[e.agent];
  Pooled allocated = agent.total;
  subtractPooled(allocated, agent.avail);
  if (!containsPooled(e.resources, allocated)) {
    return semantic("the new total of agent " + std::to_string(e.agent) +
                    " does not cover what is allocated on it");
  }
  addClusterTotal(agent.total, -1);
  addReservations(agent.total, -1);
  addFree(agent.avail.find(kUnreserved), -1);
  agent.total = e.resources;
  agent.avail = e.resources;
  subtractPooled(agent.avail, allocated);
  noteScalars(agent.total);
  agent.hasGpu = pooledHasGpu(agent.total, gpuScalar_);
  addClusterTotal(agent.total, 1);
  addReservations(agent.total, 1);
  addFree(agent.avail.find(kUnreserved), 1);
  return true;
}

Try<bool> Allocator::removeAgent(const Event& e) {
  Try<bool> ok = checkAgent(e.agent);
  if (ok.isError()) return ok;
  Agent& agent = agents_[e.agent];
  // Its tasks are lost: the allocations go away without returning to the agent, which goes too.
  while (!agent.records.empty()) {
    const Pooled resources = agent.records.back().resources;
    releaseFromRecord(e.agent, agent.records.size() - 1, resources, false);
  }
  clearAgentFilters(e.agent);
  addClusterTotal(agent.total, -1);
  addReservations(agent.total, -1);
  addFree(agent.avail.find(kUnreserved), -1);
  agent.exists = false;
  agent.activated = false;
  agent.total.clear();
  agent.avail.clear();
  return true;
}

// ---------------------------------------------------------------------------------------------
// Frameworks and their roles

Allocator::Client* Allocator::findClient(std::uint32_t framework, std::uint32_t role) {
  for (Client& c : frameworks_[framework].clients) {
    if (c.role == role) return &c;
    if (c.role > role) break;
  }
  return nullptr;
}

const Groups* Allocator::overrideOf(const Framework& fw, std::uint32_t role) const {
  for (const auto& [r, groups] : fw.overrides) {
    if (r == role) return &groups;
  }
  return nullptr;
}

void Allocator::adjustCovered(Bucket& bucket, const BucketEntry& entry, int sign) {
  bucket.coveredActive += sign;
  if (frameworks_[entry.framework].gpu) bucket.coveredActiveGpu += sign;
}

void Allocator::refreshActive(std::uint32_t framework, Client& client) {
  const Framework& fw = frameworks_[framework];
  const bool active = fw.active && !client.suppressed;
  if (active == client.active) return;
  client.active = active;
  const int sign = active ? 1 : -1;
  Role& role = roles_[client.role];
  role.activeClients += sign;
  roleHot_[client.role].activeClients = role.activeClients;
  if (role.activeClients == (active ? 1u : 0u)) ++masksEpoch_;  // takeable() may change.
  if (fw.gpu) role.activeGpuClients += sign;
  if (client.hasOverride) role.activeOverrideClients += sign;
  if (active) {
    role.sorter->activate(framework);
  } else {
    role.sorter->deactivate(framework);
  }
  for (std::uint32_t b : client.buckets) {
    Bucket& bucket = buckets_[b];
    const BucketEntry* entry = findEntry(bucket, framework);
    if (entry->covers) adjustCovered(bucket, *entry, sign);
  }
}

void Allocator::trackRole(std::uint32_t framework, std::uint32_t roleIndex, bool suppressed) {
  Role& role = roles_[roleIndex];
  if (role.frameworks.empty()) {
    roleSorter_->add(roleIndex);
    roleSorter_->activate(roleIndex);
  }
  if (!role.sorter) {
    const SorterContext context{shares_, *frameworkHierarchy_, random_};
    role.sorter = (frameworkSorterKind_ == kSorterRandom ? factories_.random : factories_.drf)(context, false);
  }
  role.frameworks.push_back(framework);
  role.sorter->add(framework);
  Framework& fw = frameworks_[framework];
  Client client;
  client.role = roleIndex;
  client.suppressed = suppressed;
  client.hasOverride = overrideOf(fw, roleIndex) != nullptr;
  const auto at = std::lower_bound(fw.clients.begin(), fw.clients.end(), roleIndex,
                                   [](const Client& c, std::uint32_t r) { return c.role < r; });
  Client& inserted = *fw.clients.insert(at, std::move(client));
  refreshActive(framework, inserted);
}

void Allocator::untrackRole(std::uint32_t framework, std::uint32_t roleIndex) {
  Framework& fw = frameworks_[framework];
  Client* client = findClient(framework, roleIndex);
  assert(client != nullptr && client->buckets.empty());
  // Its last cycle stays explainable; the dense FILTERED count moves into that record.
  const std::uint32_t dense = denseFiltered(framework, roleIndex);
  if (client->cycle == cycle_ || dense > 0) {
    std::array<std::uint64_t, kSkipReasons>& ended = endedStats_[std::uint64_t{framework} << 32 | roleIndex];
    if (client->cycle == cycle_) ended = client->skips;
    ended[kSkipFiltered] += dense;
    if (dense > 0) roleFiltered_[roleIndex][framework] = FilteredCount{};
  }
  client->suppressed = true;  // Makes it inactive, which fixes the role's counts.
  refreshActive(framework, *client);
  Role& role = roles_[roleIndex];
  role.sorter->remove(framework);
  role.frameworks.erase(std::find(role.frameworks.begin(), role.frameworks.end(), framework));
  if (role.frameworks.empty()) roleSorter_->remove(roleIndex);
  fw.clients.erase(fw.clients.begin() + (client - fw.clients.data()));
}

Try<bool> Allocator::addFramework(const Event& e) {
  if (e.framework < frameworks_.size() && frameworks_[e.framework].exists) {
    return semantic("framework " + std::to_string(e.framework) + " already exists");
  }
  Try<bool> ok = checkNewIndex("framework", e.framework, frameworks_.size());
  if (ok.isError()) return ok;
  ok = checkRoles(e.roles);
  if (ok.isError()) return ok;
  ok = checkSubset(e.suppressed, e.roles);
  if (ok.isError()) return ok;
  if (e.framework >= frameworks_.size()) frameworks_.resize(e.framework + 1);
  Framework& fw = frameworks_[e.framework];
  fw = Framework{};
  fw.exists = true;
  fw.name = e.name;
  fw.gpu = e.flag;
  fw.active = e.active;
  for (std::uint32_t r : e.roles) {
    trackRole(e.framework, r, std::binary_search(e.suppressed.begin(), e.suppressed.end(), r));
  }
  return true;
}

void Allocator::releaseRecordsOf(std::uint32_t framework, std::int64_t role) {
  for (std::uint32_t a = 0; a < agents_.size(); ++a) {
    Agent& agent = agents_[a];
    for (std::size_t i = agent.records.size(); i-- > 0;) {
      const Record& record = agent.records[i];
      if (record.framework != framework) continue;
      if (role >= 0 && record.role != static_cast<std::uint32_t>(role)) continue;
      const Pooled resources = record.resources;
      releaseFromRecord(a, i, resources, true);
    }
  }
}

Try<bool> Allocator::updateFramework(const Event& e) {
  Try<bool> ok = checkFramework(e.framework);
  if (ok.isError()) return ok;
  ok = checkRoles(e.roles);
  if (ok.isError()) return ok;
  ok = checkSubset(e.suppressed, e.roles);
  if (ok.isError()) return ok;
  Framework& fw = frameworks_[e.framework];
  std::vector<std::uint32_t> dropped;
  for (const Client& c : fw.clients) {
    if (!std::binary_search(e.roles.begin(), e.roles.end(), c.role)) dropped.push_back(c.role);
  }
  // A dropped role gives back its allocations and loses its filters.
  for (std::uint32_t r : dropped) {
    releaseRecordsOf(e.framework, r);
    clearFilters(e.framework, *findClient(e.framework, r));
    untrackRole(e.framework, r);
  }
  for (std::uint32_t r : e.roles) {
    const bool suppressed = std::binary_search(e.suppressed.begin(), e.suppressed.end(), r);
    Client* client = findClient(e.framework, r);
    if (client == nullptr) {
      trackRole(e.framework, r, suppressed);
    } else {
      client->suppressed = suppressed;
      refreshActive(e.framework, *client);
    }
  }
  return true;
}

Try<bool> Allocator::removeFramework(const Event& e) {
  Try<bool> ok = checkFramework(e.framework);
  if (ok.isError()) return ok;
  Framework& fw = frameworks_[e.framework];
  releaseRecordsOf(e.framework, -1);
  while (!fw.clients.empty()) {
    Client& client = fw.clients.back();
    clearFilters(e.framework, client);
    untrackRole(e.framework, client.role);
  }
  fw = Framework{};
  return true;
}

Try<bool> Allocator::setFrameworkActive(const Event& e, bool active) {
  Try<bool> ok = checkFramework(e.framework);
  if (ok.isError()) return ok;
  Framework& fw = frameworks_[e.framework];
  // Deactivation clears the framework's filters, as Mesos's deactivateFramework does.
  if (!active) {
    for (Client& client : fw.clients) clearFilters(e.framework, client);
  }
  fw.active = active;
  for (Client& client : fw.clients) refreshActive(e.framework, client);
  return true;
}

Try<bool> Allocator::suppressOrRevive(const Event& e, bool suppress) {
  Try<bool> ok = checkFramework(e.framework);
  if (ok.isError()) return ok;
  std::vector<std::uint32_t> subscribed;
  for (const Client& client : frameworks_[e.framework].clients) subscribed.push_back(client.role);
  ok = checkSubset(e.roles, subscribed);
  if (ok.isError()) return ok;
  // An empty list means all the framework's roles.
  for (Client& client : frameworks_[e.framework].clients) {
    if (!e.roles.empty() && !std::binary_search(e.roles.begin(), e.roles.end(), client.role)) continue;
    client.suppressed = suppress;
    if (!suppress) clearFilters(e.framework, client);
    refreshActive(e.framework, client);
  }
  return true;
}

Try<bool> Allocator::setMinAllocatable(const Event& e) {
  Try<bool> ok = checkFramework(e.framework);
  if (ok.isError()) return ok;
  ok = checkRole(e.role);
  if (ok.isError()) return ok;
  Framework& fw = frameworks_[e.framework];
  auto it = std::lower_bound(fw.overrides.begin(), fw.overrides.end(), e.role,
                             [](const auto& o, std::uint32_t r) { return o.first < r; });
  const bool present = it != fw.overrides.end() && it->first == e.role;
  if (e.groups.empty()) {
    // No groups at all removes the override.
    if (present) fw.overrides.erase(it);
  } else if (present) {
    it->second = e.groups;
  } else {
    fw.overrides.insert(it, {e.role, e.groups});
  }
  if (Client* client = findClient(e.framework, e.role)) {
    const bool has = !e.groups.empty();
    if (client->active && has != client->hasOverride) {
      roles_[e.role].activeOverrideClients += has ? 1 : -1;
    }
    client->hasOverride = has;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Allocation records

std::int32_t Allocator::findRecord(std::uint32_t framework, std::uint32_t agent,
                                   std::uint32_t role) const {
  const SmallVector<Record, 2>& records = agents_[agent].records;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (records[i].framework == framework && records[i].role == role) return static_cast<std::int32_t>(i);
  }
  return -1;
}

void Allocator::releaseFromRecord(std::uint32_t agentIndex, std::size_t index, const Pooled& resources,
                                  bool toAgent) {
  Agent& agent = agents_[agentIndex];
  Record& record = agent.records[index];
  const std::uint32_t framework = record.framework;
  const std::uint32_t roleIndex = record.role;
  Scalars total;
  pooledScalars(resources, total);
  Role& role = roles_[roleIndex];
  role.sorter->unallocated(framework, total);
  roleSorter_->unallocated(roleIndex, total);
  const Bundle* unreserved = resources.find(kUnreserved);
  if (unreserved != nullptr) addConsumed(role.top, unreserved->scalars, -1);
  if (toAgent) {
    addPooled(agent.avail, resources);
    addFree(unreserved, 1);
  }
  subtractPooled(record.resources, resources);
  if (record.resources.empty()) agent.records.erase(agent.records.begin() + index);
}

std::size_t Allocator::grant(std::uint32_t framework, std::uint32_t agentIndex,
                             std::uint32_t roleIndex, const Pooled& resources,
                             const Scalars& total) {
  Agent& agent = agents_[agentIndex];
  const Bundle* unreserved = resources.find(kUnreserved);
  if (unreserved != nullptr) {
    addSigned(free_, unreserved->scalars, -1);
    addConsumed(roles_[roleIndex].top, unreserved->scalars, 1);
  }
  subtractPooled(agent.avail, resources);
  std::int32_t index = findRecord(framework, agentIndex, roleIndex);
  if (index < 0) {
    index = static_cast<std::int32_t>(agent.records.size());
    Record& record = agent.records.emplace_back();
    record.framework = framework;
    record.role = roleIndex;
  }
  addPooled(agent.records[static_cast<std::size_t>(index)].resources, resources);
  roles_[roleIndex].sorter->allocated(framework, total);
  roleSorter_->allocated(roleIndex, total);
  return static_cast<std::size_t>(index);
}

void Allocator::grantOffer(std::uint32_t framework, Offer& o) {
  // Skips recorded for whole agents were judged under the quota state this grant changes.
  if (!pending_.empty()) flushPending();
  materialize(o);
  Agent& agent = agents_[o.agent];
  if (!scalarsZero(o.unreserved)) {
    addSigned(free_, o.unreserved, -1);
    addConsumed(roles_[o.role].top, o.unreserved, 1);
  }
  // The offer leaves the agent: the reserved pools and the unreserved ranges and sets whole, the
  // unreserved scalars by amount. No interval arithmetic is needed for that.
  for (std::uint32_t i : o.reservedPools) agent.avail.pools[i].bundle.clear();
  if (Bundle* u = agent.avail.find(kUnreserved)) {
    subtractScalars(u->scalars, o.unreserved);
    u->ranges.clear();
    u->items.clear();
  }
  agent.avail.dropEmptyPools();

  std::int32_t index = findRecord(framework, o.agent, o.role);
  if (index < 0) {
    index = static_cast<std::int32_t>(agent.records.size());
    Record& created = agent.records.emplace_back();
    created.framework = framework;
    created.role = o.role;
  }
  Record& record = agent.records[static_cast<std::size_t>(index)];
  // The decision: a new offer, or more for an offer this cycle already made (merged into one).
  if (record.cycle != cycle_) {
    record.cycle = cycle_;
    record.offer = static_cast<std::uint32_t>(offers_.size());
    const std::uint32_t start = static_cast<std::uint32_t>(offerArena_.size());
    encodePooled(o.pooled, offerArena_);
    offers_.push_back({framework, o.role, o.agent, start, static_cast<std::uint32_t>(offerArena_.size()), -1});
  } else {
    OfferOut& out = offers_[record.offer];
    if (out.merged < 0) {
      out.merged = static_cast<std::int32_t>(mergedOffers_.size());
      Pooled& merged = mergedOffers_.emplace_back();
      std::size_t pos = out.start;
      decodePooled(offerArena_.data(), pos, merged);
    }
    addPooled(mergedOffers_[static_cast<std::size_t>(out.merged)], o.pooled);
  }
  roles_[o.role].sorter->allocated(framework, o.total);
  roleSorter_->allocated(o.role, o.total);
  // A new record takes the offer's bundles as they are (o.pooled gets the record's empty ones).
  if (record.resources.empty()) {
    std::swap(record.resources, o.pooled);
  } else {
    addPooled(record.resources, o.pooled);
  }
  o.materialized = false;
}

Try<bool> Allocator::addAllocation(const Event& e) {
  Try<bool> ok = checkFramework(e.framework);
  if (!ok.isError()) ok = checkAgent(e.agent);
  if (!ok.isError()) ok = checkRole(e.role);
  if (!ok.isError()) ok = checkPools(e.resources);
  if (ok.isError()) return ok;
  if (findClient(e.framework, e.role) == nullptr) {
    return semantic("framework " + std::to_string(e.framework) + " is not subscribed to role " +
                    std::to_string(e.role));
  }
  if (!containsPooled(agents_[e.agent].avail, e.resources)) {
    return semantic("agent " + std::to_string(e.agent) + " does not have the resources available");
  }
  if (e.resources.empty()) return true;
  Scalars total;
  pooledScalars(e.resources, total);
  grant(e.framework, e.agent, e.role, e.resources, total);
  return true;
}

Try<bool> Allocator::recover(const Event& e) {
  Try<bool> ok = checkFramework(e.framework);
  if (!ok.isError()) ok = checkAgent(e.agent);
  if (!ok.isError()) ok = checkRole(e.role);
  if (!ok.isError()) ok = checkPools(e.resources);
  if (ok.isError()) return ok;
  const std::int32_t id = findRecord(e.framework, e.agent, e.role);
  const Agent& agent = agents_[e.agent];
  if (!e.resources.empty() &&
      (id < 0 || !containsPooled(agent.records[static_cast<std::size_t>(id)].resources, e.resources))) {
    return semantic("framework " + std::to_string(e.framework) + " recovers more than it holds on agent " +
                    std::to_string(e.agent) + " in role " + std::to_string(e.role));
  }
  // Recovering nothing changes nothing, not even filters (Mesos's recoverResources returns
  // early on empty resources).
  if (e.resources.empty()) return true;
  releaseFromRecord(e.agent, static_cast<std::size_t>(id), e.resources, true);
  if (e.expiry > 0) addFilter(e.framework, e.role, e.agent, e.resources, e.expiry);
  return true;
}

Try<bool> Allocator::convert(const Event& e) {
  Try<bool> ok = checkFramework(e.framework);
  if (!ok.isError()) ok = checkAgent(e.agent);
  if (!ok.isError()) ok = checkRole(e.role);
  if (!ok.isError()) ok = checkPools(e.resources);
  if (!ok.isError()) ok = checkPools(e.to);
  if (ok.isError()) return ok;
  const std::int32_t id = findRecord(e.framework, e.agent, e.role);
  if (!e.resources.empty() &&
      (id < 0 || !containsPooled(agents_[e.agent].records[static_cast<std::size_t>(id)].resources, e.resources))) {
    return semantic("framework " + std::to_string(e.framework) + " converts more than it holds on agent " +
                    std::to_string(e.agent) + " in role " + std::to_string(e.role));
  }
  if (e.resources.empty() && e.to.empty()) return true;
  if (findClient(e.framework, e.role) == nullptr) {
    return semantic("framework " + std::to_string(e.framework) + " is not subscribed to role " +
                    std::to_string(e.role));
  }
  Agent& agent = agents_[e.agent];
  // The agent's total and the framework's allocation both lose `from` and gain `to`; what is
  // available stays as it was.
  addClusterTotal(e.resources, -1);
  addReservations(e.resources, -1);
  addClusterTotal(e.to, 1);
  addReservations(e.to, 1);
  subtractPooled(agent.total, e.resources);
  addPooled(agent.total, e.to);
  noteScalars(agent.total);
  agent.hasGpu = pooledHasGpu(agent.total, gpuScalar_);
  const std::uint32_t top = roles_[e.role].top;
  if (const Bundle* u = e.resources.find(kUnreserved)) addConsumed(top, u->scalars, -1);
  if (const Bundle* u = e.to.find(kUnreserved)) addConsumed(top, u->scalars, 1);
  std::size_t index = static_cast<std::size_t>(id);
  if (id < 0) {
    index = agent.records.size();
    Record& created = agent.records.emplace_back();
    created.framework = e.framework;
    created.role = e.role;
  }
  Record& record = agent.records[index];
  subtractPooled(record.resources, e.resources);
  addPooled(record.resources, e.to);
  Scalars removed;
  Scalars added;
  pooledScalars(e.resources, removed);
  pooledScalars(e.to, added);
  roles_[e.role].sorter->update(e.framework, removed, added);
  roleSorter_->update(e.role, removed, added);
  if (record.resources.empty()) agent.records.erase(agent.records.begin() + index);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Filters

std::uint32_t Allocator::intern(const Pooled& pooled) {
  const std::uint64_t hash = pooledHash(pooled);
  const auto head = internedByHash_.find(hash);
  std::int32_t first = -1;
  if (head != internedByHash_.end()) {
    first = static_cast<std::int32_t>(head->second);
    for (std::int32_t i = first; i >= 0; i = interned_[static_cast<std::size_t>(i)].nextSameHash) {
      Interned& entry = interned_[static_cast<std::size_t>(i)];
      if (pooledEqual(entry.pooled, pooled)) {
        ++entry.refs;
        return static_cast<std::uint32_t>(i);
      }
    }
  }
  std::uint32_t id;
  if (freeInterned_.empty()) {
    id = static_cast<std::uint32_t>(interned_.size());
    interned_.emplace_back();
  } else {
    id = freeInterned_.back();
    freeInterned_.pop_back();
  }
  Interned& entry = interned_[id];
  entry.pooled = pooled;
  entry.hash = hash;
  entry.refs = 1;
  entry.memoStamp = 0;
  entry.nextSameHash = first;
  internedByHash_[hash] = id;
  return id;
}

void Allocator::release(std::uint32_t id) {
  Interned& entry = interned_[id];
  if (--entry.refs > 0) return;
  // Unlink from its hash chain.
  const auto head = internedByHash_.find(entry.hash);
  if (head->second == id) {
    if (entry.nextSameHash < 0) {
      internedByHash_.erase(head);
    } else {
      head->second = static_cast<std::uint32_t>(entry.nextSameHash);
    }
  } else {
    std::int32_t i = static_cast<std::int32_t>(head->second);
    while (interned_[static_cast<std::size_t>(i)].nextSameHash != static_cast<std::int32_t>(id)) {
      i = interned_[static_cast<std::size_t>(i)].nextSameHash;
    }
    interned_[static_cast<std::size_t>(i)].nextSameHash = entry.nextSameHash;
  }
  entry.pooled.clear();
  freeInterned_.push_back(id);
}

Allocator::Bucket* Allocator::findBucket(std::uint32_t agent, std::uint32_t role) {
  for (const auto& [r, b] : agents_[agent].buckets) {
    if (r == role) return &buckets_[b];
  }
  return nullptr;
}

std::uint32_t Allocator::bucketFor(std::uint32_t agent, std::uint32_t role) {
  for (const auto& [r, b] : agents_[agent].buckets) {
    if (r == role) return b;
  }
  std::uint32_t id;
  if (freeBuckets_.empty()) {
    id = static_cast<std::uint32_t>(buckets_.size());
    buckets_.emplace_back();
  } else {
    id = freeBuckets_.back();
    freeBuckets_.pop_back();
  }
  Bucket& bucket = buckets_[id];
  bucket.inUse = true;
  bucket.agent = agent;
  bucket.role = role;
  bucket.entries.clear();
  bucket.cacheValid = false;
  bucket.cachedOffer.clear();
  bucket.coveredActive = 0;
  bucket.coveredActiveGpu = 0;
  bucket.coveredBits.clear();
  agents_[agent].buckets.emplace_back(role, id);
  return id;
}

void Allocator::setCovered(Bucket& bucket, std::uint32_t framework, bool covers) {
  const std::size_t word = framework / 64;
  if (word >= bucket.coveredBits.size()) {
    if (!covers) return;
    bucket.coveredBits.resize(word + 1, 0);
  }
  const std::uint64_t bit = std::uint64_t{1} << (framework % 64);
  bucket.coveredBits[word] = covers ? bucket.coveredBits[word] | bit : bucket.coveredBits[word] & ~bit;
}

Allocator::BucketEntry* Allocator::findEntry(Bucket& bucket, std::uint32_t framework) {
  return bucket.entries.find(framework);
}

bool Allocator::chainCovers(std::int32_t first, const Pooled& offer) {
  for (std::int32_t i = first; i >= 0; i = filters_[static_cast<std::size_t>(i)].next) {
    Interned& resources = interned_[filters_[static_cast<std::size_t>(i)].bundle];
    if (resources.memoStamp != memoStamp_) {
      resources.memoStamp = memoStamp_;
      resources.memoCovers = containsPooled(resources.pooled, offer);
    }
    if (resources.memoCovers) return true;
  }
  return false;
}

void Allocator::addFilter(std::uint32_t framework, std::uint32_t role, std::uint32_t agent,
                          const Pooled& resources, double expiry) {
  const std::uint32_t b = bucketFor(agent, role);
  Client& client = *findClient(framework, role);
  BucketEntry* entry = findEntry(buckets_[b], framework);
  if (entry == nullptr) {
    entry = &buckets_[b].entries.insert(
        framework, BucketEntry{framework, -1, static_cast<std::uint32_t>(client.buckets.size()), false});
    client.buckets.push_back(b);
  }
  std::uint32_t id;
  if (freeFilters_.empty()) {
    id = static_cast<std::uint32_t>(filters_.size());
    filters_.emplace_back();
  } else {
    id = freeFilters_.back();
    freeFilters_.pop_back();
  }
  Filter& filter = filters_[id];
  filter.inUse = true;
  filter.bucket = b;
  filter.framework = framework;
  filter.bundle = intern(resources);
  filter.next = entry->firstFilter;
  filter.expiry = expiry;
  entry->firstFilter = static_cast<std::int32_t>(id);
  ++client.filterCount;
  expiries_.push_back({expiry, id, filter.generation});
  std::push_heap(expiries_.begin(), expiries_.end(),
                 [](const Expiry& x, const Expiry& y) { return x.expiry > y.expiry; });
  Bucket& bucket = buckets_[b];
  if (bucket.cacheValid && !entry->covers &&
      containsPooled(interned_[filter.bundle].pooled, bucket.cachedOffer)) {
    entry->covers = true;
    setCovered(bucket, framework, true);
    if (client.active) adjustCovered(bucket, *entry, 1);
  }
}

void Allocator::freeChain(std::int32_t first) {
  for (std::int32_t i = first; i >= 0;) {
    Filter& filter = filters_[static_cast<std::size_t>(i)];
    const std::int32_t next = filter.next;
    release(filter.bundle);
    filter.inUse = false;
    ++filter.generation;
    freeFilters_.push_back(static_cast<std::uint32_t>(i));
    i = next;
  }
}

void Allocator::dropEntry(std::uint32_t b, std::uint32_t framework) {
  Bucket& bucket = buckets_[b];
  BucketEntry* entry = findEntry(bucket, framework);
  Client& client = *findClient(framework, bucket.role);
  if (entry->covers && client.active) adjustCovered(bucket, *entry, -1);
  if (entry->covers) setCovered(bucket, framework, false);
  if (entry->skipCycle == cycle_) cycleStats(client).skips[kSkipFiltered] += entry->filteredSkips;
  // Swap-remove the bucket from the client's list, fixing the entry of the bucket that moves.
  const std::uint32_t pos = entry->clientPos;
  const std::uint32_t moved = client.buckets.back();
  client.buckets[pos] = moved;
  client.buckets.pop_back();
  if (moved != b) findEntry(buckets_[moved], framework)->clientPos = pos;
  bucket.entries.erase(framework);
  if (bucket.entries.empty()) {
    auto& list = agents_[bucket.agent].buckets;
    list.erase(std::find(list.begin(), list.end(), std::make_pair(bucket.role, b)));
    bucket.inUse = false;
    bucket.cachedOffer.clear();
    freeBuckets_.push_back(b);
  }
}

void Allocator::removeFilter(std::uint32_t id) {
  Filter& filter = filters_[id];
  const std::uint32_t b = filter.bucket;
  const std::uint32_t framework = filter.framework;
  Bucket& bucket = buckets_[b];
  BucketEntry* entry = findEntry(bucket, framework);
  Client& client = *findClient(framework, bucket.role);
  // Unlink it from the entry's chain.
  if (entry->firstFilter == static_cast<std::int32_t>(id)) {
    entry->firstFilter = filter.next;
  } else {
    std::int32_t i = entry->firstFilter;
    while (filters_[static_cast<std::size_t>(i)].next != static_cast<std::int32_t>(id)) {
      i = filters_[static_cast<std::size_t>(i)].next;
    }
    filters_[static_cast<std::size_t>(i)].next = filter.next;
  }
  filter.next = -1;
  freeChain(static_cast<std::int32_t>(id));
  --client.filterCount;
  if (entry->firstFilter < 0) {
    dropEntry(b, framework);
    return;
  }
  if (entry->covers && bucket.cacheValid) {
    ++memoStamp_;
    if (!chainCovers(entry->firstFilter, bucket.cachedOffer)) {
      entry->covers = false;
      setCovered(bucket, framework, false);
      if (client.active) adjustCovered(bucket, *entry, -1);
    }
  }
}

void Allocator::clearFilters(std::uint32_t framework, Client& client) {
  while (!client.buckets.empty()) {
    const std::uint32_t b = client.buckets.back();
    BucketEntry* entry = findEntry(buckets_[b], framework);
    freeChain(entry->firstFilter);
    entry->firstFilter = -1;
    dropEntry(b, framework);
  }
  client.filterCount = 0;
}

void Allocator::clearAgentFilters(std::uint32_t agent) {
  while (!agents_[agent].buckets.empty()) {
    const std::uint32_t b = agents_[agent].buckets.back().second;
    std::vector<std::uint32_t> frameworks;
    buckets_[b].entries.forEach([&](std::uint32_t f, BucketEntry&) { frameworks.push_back(f); });
    for (std::uint32_t framework : frameworks) {
      BucketEntry& entry = *findEntry(buckets_[b], framework);
      Client& client = *findClient(framework, buckets_[b].role);
      for (std::int32_t i = entry.firstFilter; i >= 0; i = filters_[static_cast<std::size_t>(i)].next) {
        --client.filterCount;
      }
      freeChain(entry.firstFilter);
      entry.firstFilter = -1;
      dropEntry(b, framework);  // Frees the bucket with its last entry.
    }
  }
}

bool Allocator::offerEquals(const Pooled& cached, const Offer& o) const {
  if (o.materialized) return pooledEqual(cached, o.pooled);
  // Compare with the parts the offer would be put together from, without copying them.
  const Agent& agent = agents_[o.agent];
  const Bundle* u = o.unreservedAvail;
  const bool unreserved = u != nullptr && (u->hasNonScalars() || !scalarsZero(o.unreserved));
  if (cached.pools.size() != (unreserved ? 1 : 0) + o.reservedPools.size()) return false;
  std::size_t at = 0;
  if (unreserved) {
    const PoolBundle& c = cached.pools[at++];
    if (c.pool != kUnreserved || !scalarsEqual(c.bundle.scalars, o.unreserved) || !(c.bundle.ranges == u->ranges) ||
        c.bundle.items != u->items) {
      return false;
    }
  }
  for (std::uint32_t i : o.reservedPools) {
    const PoolBundle& c = cached.pools[at++];
    const PoolBundle& a = agent.avail.pools[i];
    if (c.pool != a.pool || !bundlesEqual(c.bundle, a.bundle)) return false;
  }
  return true;
}

void Allocator::validateBucket(Bucket& bucket, Offer& offer) {
  if (offer.checkedBucket == &bucket) return;
  offer.checkedBucket = &bucket;
  if (bucket.cacheValid && offerEquals(bucket.cachedOffer, offer)) return;
  materialize(offer);
  // The role's candidate offer on this agent changed: find again which frameworks' filters
  // contain it. Filters of one agent often hold the same resources, so each distinct bundle is
  // checked once (memoStamp).
  bucket.cachedOffer = offer.pooled;
  bucket.cacheValid = true;
  bucket.coveredActive = 0;
  bucket.coveredActiveGpu = 0;
  std::fill(bucket.coveredBits.begin(), bucket.coveredBits.end(), 0);
  ++memoStamp_;
  bucket.entries.forEach([&](std::uint32_t framework, BucketEntry& entry) {
    entry.covers = chainCovers(entry.firstFilter, bucket.cachedOffer);
    if (entry.covers) setCovered(bucket, framework, true);
    if (entry.covers && findClient(framework, bucket.role)->active) adjustCovered(bucket, entry, 1);
  });
}

// ---------------------------------------------------------------------------------------------
// The cycle

void Allocator::computeOffer(std::uint32_t agentIndex, std::uint32_t roleIndex, Offer& o) const {
  const Agent& agent = agents_[agentIndex];
  const Role& role = roles_[roleIndex];
  const Role& top = roles_[role.top];
  o.agent = agentIndex;
  o.role = roleIndex;
  o.materialized = false;
  o.checkedBucket = nullptr;
  o.reservedPools.clear();
  o.unreserved.clear();
  o.total.clear();
  o.limitReason = false;
  const Bundle* u = agent.avail.find(kUnreserved);
  o.unreservedAvail = u;
  bool anyScalar = false;
  if (u != nullptr) {
    const std::size_t n = u->scalars.size();
    o.unreserved.resize(n, 0);
    bool anyAvailable = false;
    bool allLimited = true;
    for (std::size_t k = 0; k < n; ++k) {
      const std::int64_t available = u->scalars[k];
      if (available <= 0) continue;
      anyAvailable = true;
      // A role may always take what its own guarantee still needs; beyond that only what leaves
      // enough for every unsatisfied guarantee (the surplus), and never past its limit.
      // Example: free cpus 10, required 6 (role A owes 4, role B owes 2): A may take up to
      // min(limitRoom, 4 + (10 - 6)) = 8, a role without guarantee up to 10 - 6 = 4.
      const std::int64_t room = limitRoom(top, k);
      if (room > 0) allLimited = false;
      const std::int64_t cap = std::min(room, surplus(k) + unsatisfied(top, k));
      const std::int64_t amount = std::min(available, cap);
      o.unreserved[k] = amount;
      anyScalar = anyScalar || amount > 0;
    }
    o.limitReason = anyAvailable && allLimited;
  }
  // Reservations to the role and its ancestors are allocatable to it.
  if (agent.avail.pools.size() > (u != nullptr ? 1u : 0u)) {
    std::size_t i = 0;
    for (std::int32_t pool : role.pools) {
      while (i < agent.avail.pools.size() && agent.avail.pools[i].pool < pool) ++i;
      if (i == agent.avail.pools.size()) break;
      if (agent.avail.pools[i].pool == pool) o.reservedPools.push_back(static_cast<std::uint32_t>(i));
    }
  }
  const bool nonScalars = u != nullptr && u->hasNonScalars();
  o.empty = !anyScalar && !nonScalars && o.reservedPools.empty();
  if (!o.empty) o.limitReason = false;
  o.total = o.unreserved;
  for (std::uint32_t i : o.reservedPools) addScalars(o.total, agent.avail.pools[i].bundle.scalars);
  o.defaultMeets = meets(defaultGroups_, o.total);
}

void Allocator::materialize(Offer& o) const {
  if (o.materialized) return;
  o.materialized = true;
  const Agent& agent = agents_[o.agent];
  const Bundle* u = o.unreservedAvail;
  const bool unreserved = u != nullptr && (u->hasNonScalars() || !scalarsZero(o.unreserved));
  const std::size_t n = (unreserved ? 1 : 0) + o.reservedPools.size();
  o.pooled.pools.resize(n);
  std::size_t at = 0;
  if (unreserved) {
    PoolBundle& pb = o.pooled.pools[at++];
    pb.pool = kUnreserved;
    pb.bundle.scalars = o.unreserved;
    while (!pb.bundle.scalars.empty() && pb.bundle.scalars.back() == 0) pb.bundle.scalars.pop_back();
    pb.bundle.ranges = u->ranges;
    pb.bundle.items = u->items;
  }
  for (std::uint32_t i : o.reservedPools) {
    PoolBundle& pb = o.pooled.pools[at++];
    pb.pool = agent.avail.pools[i].pool;
    pb.bundle = agent.avail.pools[i].bundle;
  }
}

bool Allocator::meets(const Groups& groups, const Scalars& total) const {
  if (groups.empty()) return true;
  for (const Scalars& group : groups) {
    if (containsScalars(total, group)) return true;
  }
  return false;
}

Allocator::Client& Allocator::cycleStats(Client& client) {
  if (client.cycle != cycle_) {
    client.cycle = cycle_;
    client.skips.fill(0);
  }
  return client;
}

void Allocator::countBulk(std::uint32_t role, bool agentGpu, int skipClass, std::uint64_t n) {
  RoleBulk& bulk = roleBulk_[role];
  if (bulk.cycle != cycle_) {
    bulk.cycle = cycle_;
    for (auto& row : bulk.count) row.fill(0);
    bulkRoles_.push_back(role);
  }
  bulk.count[agentGpu ? 1 : 0][skipClass] += n;
}

void Allocator::flushPending() {
  for (std::uint32_t r = 0; r < roleHot_.size(); ++r) {
    if (roleHot_[r].activeClients == 0) continue;
    const TopMasks& masks = topMasks_[roleHot_[r].top];
    for (const Pending& p : pending_) {
      const bool limited = p.mask != 0 && (p.mask & ~masks.roomZero) == 0;
      countBulk(r, p.gpu, limited ? kBulkLimit : kBulkNothingLeft, p.count);
    }
  }
  pending_.clear();
}

std::uint64_t Allocator::takeable() {
  if (takeableEpoch_ != masksEpoch_) {
    takeableEpoch_ = masksEpoch_;
    takeable_ = 0;
    for (const RoleHot& hot : roleHot_) {
      if (hot.activeClients == 0) continue;
      const TopMasks& masks = topMasks_[hot.top];
      takeable_ |= ~(masks.roomZero | (surplusZero_ & masks.unsatZero));
    }
  }
  return takeable_;
}

void Allocator::summarizeAgent(const Agent& agent) {
  agentMask_ = 0;
  agentPlain_ = false;
  if (wideScalars_ || agent.avail.pools.size() != 1 || agent.avail.pools[0].pool != kUnreserved) return;
  const Bundle& b = agent.avail.pools[0].bundle;
  if (b.hasNonScalars()) return;
  for (std::size_t k = 0; k < b.scalars.size(); ++k) {
    if (b.scalars[k] > 0) agentMask_ |= std::uint64_t{1} << k;
  }
  agentPlain_ = true;
}

void Allocator::visitRole(std::uint32_t agentIndex, std::uint32_t roleIndex, bool stage1) {
  const RoleHot& hot = roleHot_[roleIndex];
  // Without active frameworks sort() is empty: no visits, and a random sorter draws nothing.
  if (hot.activeClients == 0) return;
  Agent& agent = agents_[agentIndex];
  const bool agentGpu = agent.hasGpu && gpuScalar_ >= 0;
  if (agentPlain_) {
    // The candidate offer holds unreserved scalars only: it is empty when the quota masks zero
    // every scalar the agent has. Counted without touching the Role.
    const TopMasks& masks = topMasks_[hot.top];
    if ((agentMask_ & ~(masks.roomZero | (surplusZero_ & masks.unsatZero))) == 0) {
      if (frameworkSorterKind_ == kSorterRandom) {
        roles_[roleIndex].sorter->beginWalk();
        roles_[roleIndex].sorter->endWalk();
      }
      const bool limited = (agentMask_ & ~masks.roomZero) == 0;
      countBulk(roleIndex, agentGpu, limited ? kBulkLimit : kBulkNothingLeft);
      return;
    }
  }
  Role& role = roles_[roleIndex];
  Sorter& sorter = *role.sorter;
  Offer& o = offer_;
  computeOffer(agentIndex, roleIndex, o);
  // A random sorter draws when the role's turn begins, whether or not anyone takes anything.
  const bool draws = sorter.drawsOnSort();
  if (draws) sorter.beginWalk();

  // When every active framework would be skipped, count the skips per role in O(1) instead of
  // visiting each (see Role::bulk). The skip reasons do not depend on the framework beyond its GPU
  // capability, its min_allocatable override (then no shortcut) and its filters (the bucket
  // counts them).
  int bulk = -1;
  if (o.empty) {
    bulk = o.limitReason ? kBulkLimit : kBulkNothingLeft;
  } else if (role.activeOverrideClients == 0) {
    if (!o.defaultMeets) {
      bulk = kBulkMinAllocatable;
    } else {
      const std::uint32_t mustBeFiltered = agentGpu ? role.activeGpuClients : role.activeClients;
      if (mustBeFiltered == 0) {
        bulk = kBulkFiltered;  // Everyone lacks the GPU capability on a GPU agent.
      } else if (Bucket* bucket = findBucket(agentIndex, roleIndex)) {
        validateBucket(*bucket, o);
        const std::uint32_t covered = agentGpu ? bucket->coveredActiveGpu : bucket->coveredActive;
        if (covered == mustBeFiltered) bulk = kBulkFiltered;
      }
    }
  }
  if (bulk >= 0) {
    countBulk(roleIndex, agentGpu, bulk);
    if (draws) sorter.endWalk();
    return;
  }

  if (!draws) sorter.beginWalk();
  Bucket* bucket = findBucket(agentIndex, roleIndex);
  ClientId f;
  const bool overrides = role.activeOverrideClients > 0;
  std::vector<FilteredCount>* dense = nullptr;
  if (bucket != nullptr && (role.frameworks.size() >= kDenseFilteredCounts || !roleFiltered_[roleIndex].empty())) {
    dense = &roleFiltered_[roleIndex];
    if (dense->empty()) dense->resize(frameworks_.size());
  }
  while (!agent.avail.empty() && sorter.next(f)) {
    // Stage 1 serves a role only while its top-level role still owes: a grant to an earlier
    // framework may have settled it.
    if (stage1 && !topMasks_[hot.top].owed) break;
    // Only what each check needs is read: a visit that ends FILTERED touches the bucket entry
    // alone, which matters when a framework walk passes hundreds of filtered frameworks.
    Skip reason;
    if (agentGpu && !frameworks_[f].gpu) {
      reason = kSkipGpu;
    } else if (o.empty) {
      reason = o.limitReason ? kSkipLimit : kSkipNothingLeft;
    } else if (overrides && findClient(f, roleIndex)->hasOverride
                   ? !meets(*overrideOf(frameworks_[f], roleIndex), o.total)
                   : !o.defaultMeets) {
      reason = kSkipMinAllocatable;
    } else if (bucket != nullptr && (validateBucket(*bucket, o), covered(*bucket, f))) {
      if (dense != nullptr) {
        if (f >= dense->size()) dense->resize(frameworks_.size());
        FilteredCount& slot = (*dense)[f];
        if (slot.cycle != static_cast<std::uint32_t>(cycle_)) slot = FilteredCount{0, static_cast<std::uint32_t>(cycle_)};
        ++slot.count;
        continue;
      }
      // Counted on the entry; explain (or dropping the entry) hands it to the client.
      BucketEntry* entry = findEntry(*bucket, f);
      if (entry->skipCycle != cycle_) {
        entry->skipCycle = cycle_;
        entry->filteredSkips = 0;
      }
      ++entry->filteredSkips;
      continue;
    } else {
      // Allocate: the whole candidate offer goes to f.
      grantOffer(f, o);
      computeOffer(agentIndex, roleIndex, o);
      summarizeAgent(agent);
      continue;
    }
    ++cycleStats(*findClient(f, roleIndex)).skips[reason];
  }
  sorter.endWalk();
}

void Allocator::runStage(bool stage1) {
  const bool roleDraws = roleSorter_->drawsOnSort();
  for (std::size_t i = 0; i < candidates_.size(); ++i) {
    // Candidates come in random order: ask for the agents a few steps ahead early, so that their
    // cache misses overlap with this agent's work.
    if (i + 8 < candidates_.size()) {
      // Everything a grant touches: the flags, avail and the records (not the total).
      const Agent& ahead = agents_[candidates_[i + 8]];
      const char* from = reinterpret_cast<const char*>(&ahead);
      const char* to = reinterpret_cast<const char*>(&ahead.total);
      for (const char* line = from; line < to; line += 64) __builtin_prefetch(line);
    }
    if (i + 4 < candidates_.size()) {
      const Agent& ahead = agents_[candidates_[i + 4]];
      // Its port ranges beyond the one kept in place, found through the agent fetched four
      // steps ago ...
      for (const PoolBundle& pb : ahead.avail.pools) {
        const Ranges& ranges = pb.bundle.ranges;
        if (ranges.size() > 1) prefetchBytes(ranges.data(), ranges.size() * sizeof(RangeEntry));
      }
      // ... and its filter buckets.
      for (const auto& [role, b] : ahead.buckets) {
        const char* from = reinterpret_cast<const char*>(&buckets_[b]);
        for (std::size_t line = 0; line < sizeof(Bucket); line += 64) __builtin_prefetch(from + line);
      }
    }
    if (i + 2 < candidates_.size()) {
      // And the buckets' covered bits and the port ranges of their cached offers.
      for (const auto& [role, b] : agents_[candidates_[i + 2]].buckets) {
        const std::vector<std::uint64_t>& bits = buckets_[b].coveredBits;
        prefetchBytes(bits.data(), bits.size() * sizeof(std::uint64_t));
        for (const PoolBundle& pb : buckets_[b].cachedOffer.pools) {
          if (pb.bundle.ranges.size() > 1) prefetchBytes(pb.bundle.ranges.data(), pb.bundle.ranges.size() * sizeof(RangeEntry));
        }
      }
    }
    const std::uint32_t a = candidates_[i];
    Agent& agent = agents_[a];
    if (agent.avail.empty()) continue;
    // Stage 1 serves only roles still owed guarantees. When there are none, walking the role
    // sorter would visit nobody, and only a random sorter would notice (through its draws).
    if (stage1 && !roleDraws && unsatisfiedRoles_ == 0) return;
    summarizeAgent(agent);
    if (!stage1 && !roleDraws && frameworkSorterKind_ != kSorterRandom && agentPlain_ &&
        (agentMask_ & takeable()) == 0) {
      // No role can take anything from this agent: every role with active frameworks would be
      // visited and skipped (NOTHING_LEFT or LIMIT), which pending_ records in O(1). (With random
      // framework sorters each turn draws, so the turns must be taken.)
      const bool gpu = agent.hasGpu && gpuScalar_ >= 0;
      auto it = std::find_if(pending_.begin(), pending_.end(),
                             [&](const Pending& p) { return p.mask == agentMask_ && p.gpu == gpu; });
      if (it == pending_.end()) {
        pending_.push_back({agentMask_, gpu, 1});
      } else {
        ++it->count;
      }
      continue;
    }
    roleSorter_->beginWalk();
    ClientId r;
    while (!agent.avail.empty() && roleSorter_->next(r)) {
      if (stage1 && !topMasks_[roleHot_[r].top].owed) continue;
      visitRole(a, r, stage1);
    }
    roleSorter_->endWalk();
  }
}

void Allocator::finishCycle() {
  // Hand the per-role skip counts to each framework active in the role (the set cannot have
  // changed during the cycle).
  if (!pending_.empty()) flushPending();
  for (std::uint32_t r : bulkRoles_) {
    Role& role = roles_[r];
    const RoleBulk& bulk = roleBulk_[r];
    for (std::uint32_t f : role.frameworks) {
      Client& client = *findClient(f, r);
      if (!client.active) continue;
      Client& stats = cycleStats(client);
      const bool gpu = frameworks_[f].gpu;
      for (int agentGpu = 0; agentGpu < 2; ++agentGpu) {
        for (int c = 0; c < 4; ++c) {
          const std::uint64_t n = bulk.count[agentGpu][c];
          if (n == 0) continue;
          stats.skips[agentGpu == 1 && !gpu ? kSkipGpu : kBulkReason[c]] += n;
        }
      }
    }
  }
  bulkRoles_.clear();

  // Offers sorted by (framework, role, agent): a counting sort by framework, then each
  // framework's few offers by (role, agent).
  const std::size_t offerCount = offers_.size();
  frameworkStart_.assign(frameworks_.size() + 1, 0);
  for (std::size_t i = 0; i < offerCount; ++i) ++frameworkStart_[offers_[i].framework + 1];
  for (std::size_t f = 0; f < frameworks_.size(); ++f) frameworkStart_[f + 1] += frameworkStart_[f];
  outputOrder_.resize(offerCount);
  {
    std::vector<std::uint32_t>& next = scratchPositions_;
    next.assign(frameworkStart_.begin(), frameworkStart_.end() - 1);
    for (std::size_t i = 0; i < offerCount; ++i) {
      outputOrder_[next[offers_[i].framework]++] = static_cast<std::uint32_t>(i);
    }
  }
  for (std::size_t f = 0; f < frameworks_.size(); ++f) {
    if (frameworkStart_[f + 1] - frameworkStart_[f] < 2) continue;
    std::sort(outputOrder_.begin() + frameworkStart_[f], outputOrder_.begin() + frameworkStart_[f + 1],
              [this](std::uint32_t x, std::uint32_t y) {
                const OfferOut& a = offers_[x];
                const OfferOut& b = offers_[y];
                return a.role != b.role ? a.role < b.role : a.agent < b.agent;
              });
  }
  decisions_.offers.clear();
  decisions_.payload.clear();
  decisions_.offers.reserve(offerCount * 4);
  decisions_.payload.reserve(offerArena_.size());
  for (std::uint32_t i : outputOrder_) {
    const OfferOut& out = offers_[i];
    decisions_.offers.push_back(static_cast<std::int32_t>(out.framework));
    decisions_.offers.push_back(static_cast<std::int32_t>(out.role));
    decisions_.offers.push_back(static_cast<std::int32_t>(out.agent));
    decisions_.offers.push_back(static_cast<std::int32_t>(decisions_.payload.size()));
    if (out.merged >= 0) {
      encodePooled(mergedOffers_[static_cast<std::size_t>(out.merged)], decisions_.payload);
    } else {
      decisions_.payload.insert(decisions_.payload.end(), offerArena_.begin() + out.start,
                                offerArena_.begin() + out.end);
    }
  }
  decisions_.count = offerCount;
}

std::uint32_t Allocator::denseFiltered(std::uint32_t framework, std::uint32_t role) const {
  const std::vector<FilteredCount>& dense = roleFiltered_[role];
  if (framework >= dense.size() || dense[framework].cycle != static_cast<std::uint32_t>(cycle_)) return 0;
  return dense[framework].count;
}

const Decisions& Allocator::allocate(double now) {
  ++cycle_;
  if (static_cast<std::uint32_t>(cycle_) == 0) {
    // The dense counts stamp the low 32 bits of the cycle: start them afresh when those wrap.
    for (std::vector<FilteredCount>& dense : roleFiltered_) std::fill(dense.begin(), dense.end(), FilteredCount{});
    ++cycle_;
  }
  endedStats_.clear();
  offers_.clear();
  offerArena_.clear();
  mergedOffers_.clear();
  // 1. Drop every filter with expiry <= now.
  const auto later = [](const Expiry& x, const Expiry& y) { return x.expiry > y.expiry; };
  while (!expiries_.empty() && expiries_.front().expiry <= now) {
    std::pop_heap(expiries_.begin(), expiries_.end(), later);
    const Expiry due = expiries_.back();
    expiries_.pop_back();
    const Filter& filter = filters_[due.filter];
    if (filter.inUse && filter.generation == due.generation) removeFilter(due.filter);
  }
  // 2. The candidates: activated agents in index order, shuffled.
  candidates_.clear();
  for (std::size_t a = 0; a < agents_.size(); ++a) {
    if (agents_[a].exists && agents_[a].activated) candidates_.push_back(static_cast<std::uint32_t>(a));
  }
  lastCandidates_ = candidates_.size();
  if (configured_) {
    random_.shuffle(candidates_);
    runStage(true);
    // Stage 2 walks the agents in a fresh order.
    random_.shuffle(candidates_);
    runStage(false);
  }
  finishCycle();
  return decisions_;
}

// ---------------------------------------------------------------------------------------------
// Explain

void Allocator::offerResources(const OfferOut& offer, Pooled& out) const {
  if (offer.merged >= 0) {
    out = mergedOffers_[static_cast<std::size_t>(offer.merged)];
    return;
  }
  std::size_t pos = offer.start;
  decodePooled(offerArena_.data(), pos, out);
}

Try<Explanation> Allocator::explain(std::uint32_t framework, std::uint32_t roleIndex) {
  Try<bool> ok = checkFramework(framework);
  if (!ok.isError()) ok = checkRole(roleIndex);
  if (ok.isError()) return Error::plain("explain: " + ok.error().message);
  Explanation out;
  const Framework& fw = frameworks_[framework];
  const Role& role = roles_[roleIndex];
  out.active = fw.active;
  out.weight = role.weight;
  if (Client* client = findClient(framework, roleIndex)) {
    out.share = role.sorter->share(framework);
    out.rank = role.sorter->rank(framework);
    out.suppressed = client->suppressed;
    out.filters = client->filterCount;
    out.filteredAgents = client->buckets.size();
    if (client->cycle == cycle_) out.skips = client->skips;
    out.skips[kSkipFiltered] += denseFiltered(framework, roleIndex);
    for (std::uint32_t b : client->buckets) {
      const BucketEntry* entry = findEntry(buckets_[b], framework);
      if (entry->skipCycle == cycle_) out.skips[kSkipFiltered] += entry->filteredSkips;
    }
  }
  // The last cycle as it happened, even if the subscription ended (or began anew) since.
  if (const auto ended = endedStats_.find(std::uint64_t{framework} << 32 | roleIndex); ended != endedStats_.end()) {
    for (std::size_t i = 0; i < kSkipReasons; ++i) out.skips[i] += ended->second[i];
  }
  if (framework + 1 < frameworkStart_.size()) {
    Scalars offered;
    Pooled resources;
    for (std::uint32_t i = frameworkStart_[framework]; i < frameworkStart_[framework + 1]; ++i) {
      const OfferOut& offer = offers_[outputOrder_[i]];
      if (offer.role != roleIndex) continue;
      offerResources(offer, resources);
      for (const PoolBundle& pb : resources.pools) addScalars(offered, pb.bundle.scalars);
    }
    out.offered = sparseOf(offered, false, 0);
  }
  if (roleSorter_ && roleSorter_->contains(roleIndex)) {
    out.roleShare = roleSorter_->share(roleIndex);
    out.roleRank = roleSorter_->rank(roleIndex);
  }
  const Role& top = roles_[role.top];
  out.guarantee = sparseOf(top.guarantee, false, 0);
  out.limit = sparseOf(top.limit, true, kUnlimited);
  out.consumed = sparseOf(top.consumed, false, 0);
  out.candidates = lastCandidates_;
  return out;
}

}  // namespace mesos::drf
