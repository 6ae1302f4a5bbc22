#include "drf/random_sorter.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace mesos::drf {

namespace {

constexpr double kTwoTo32 = 4294967296.0;
constexpr double kMaxSafeInteger = 9007199254740991.0;  // 2^53 - 1

void scanShuffle(const std::vector<ClientId>& clients, const std::vector<double>& weights,
                 Xorshift32& random, std::vector<ClientId>& out) {
  std::vector<ClientId> left = clients;
  std::vector<double> w = weights;
  while (!left.empty()) {
    double sum = 0.0;
    for (double x : w) sum += x;
    const double u = (static_cast<double>(random.next()) / kTwoTo32) * sum;
    // u < Σ (the draw is below 2^32 and the last cumulative weight is Σ computed the same way),
    // so some client is always picked; the default only guards against the impossible.
    std::size_t pick = left.size() - 1;
    double cumulative = 0.0;
    for (std::size_t i = 0; i < w.size(); ++i) {
      cumulative += w[i];
      if (cumulative > u) {
        pick = i;
        break;
      }
    }
    out.push_back(left[pick]);
    left.erase(left.begin() + static_cast<std::ptrdiff_t>(pick));
    w.erase(w.begin() + static_cast<std::ptrdiff_t>(pick));
  }
}

void integralShuffle(const std::vector<ClientId>& clients, const std::vector<double>& weights,
                     Xorshift32& random, std::vector<ClientId>& out) {
  const std::size_t n = clients.size();
  // tree[i] (1-based) holds the sum of weights in (i - lowbit(i), i]; a taken client weighs 0.
  std::vector<double> tree(n + 1, 0.0);
  const auto update = [&](std::size_t index, double delta) {
    for (std::size_t i = index + 1; i <= n; i += i & (~i + 1)) tree[i] += delta;
  };
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    update(i, weights[i]);
    sum += weights[i];
  }
  std::size_t top = 1;
  while (top * 2 <= n) top *= 2;
  for (std::size_t taken = 0; taken < n; ++taken) {
    const double u = (static_cast<double>(random.next()) / kTwoTo32) * sum;
    // The longest prefix whose cumulative weight is <= u; the client right after it is the first
    // whose cumulative weight is > u, and it still has weight. Every sum here is an exact
    // integer, so the comparisons are exact and match the scan.
    std::size_t pos = 0;
    double acc = 0.0;
    for (std::size_t step = top; step > 0; step >>= 1) {
      const std::size_t next = pos + step;
      if (next <= n && acc + tree[next] <= u) {
        pos = next;
        acc += tree[next];
      }
    }
    assert(pos < n);
    out.push_back(clients[pos]);
    update(pos, -weights[pos]);
    sum -= weights[pos];
  }
}

}  // namespace

void weightedShuffle(const std::vector<ClientId>& clients, const std::vector<double>& weights,
                     Xorshift32& random, std::vector<ClientId>& out) {
  out.clear();
  double sum = 0.0;
  bool integral = true;
  for (double w : weights) {
    sum += w;
    integral = integral && std::floor(w) == w;
  }
  if (integral && sum <= kMaxSafeInteger) {
    integralShuffle(clients, weights, random, out);
  } else {
    scanShuffle(clients, weights, random, out);
  }
}

RandomSorter::RandomSorter(const ShareContext& shares, const Hierarchy& hierarchy,
                           Xorshift32& random)
    : shares_(shares), hierarchy_(hierarchy), random_(random) {}

void RandomSorter::add(ClientId client) {
  assert(!contains(client));
  if (client >= clients_.size()) clients_.resize(client + 1);
  Client& c = clients_[client];
  c.present = true;
  c.active = false;
  c.allocation.clear();
  const std::string& path = hierarchy_.pathOf(client);
  const auto at = std::lower_bound(byPath_.begin(), byPath_.end(), client, [&](ClientId x, ClientId) {
    const int byPath = hierarchy_.pathOf(x).compare(path);
    return byPath != 0 ? byPath < 0 : x < client;
  });
  byPath_.insert(at, client);
  walking_ = false;
}

void RandomSorter::remove(ClientId client) {
  assert(contains(client));
  clients_[client].present = false;
  byPath_.erase(std::find(byPath_.begin(), byPath_.end(), client));
  walking_ = false;
}

bool RandomSorter::contains(ClientId client) const {
  return client < clients_.size() && clients_[client].present;
}

void RandomSorter::activate(ClientId client) {
  clients_[client].active = true;
  walking_ = false;
}

void RandomSorter::deactivate(ClientId client) {
  clients_[client].active = false;
  walking_ = false;
}

void RandomSorter::allocated(ClientId client, const Scalars& scalars) {
  addScalars(clients_[client].allocation, scalars);
}

void RandomSorter::unallocated(ClientId client, const Scalars& scalars) {
  subtractScalars(clients_[client].allocation, scalars);
}

void RandomSorter::update(ClientId client, const Scalars& removed, const Scalars& added) {
  subtractScalars(clients_[client].allocation, removed);
  addScalars(clients_[client].allocation, added);
}

double RandomSorter::share(ClientId client) const {
  return dominantShare(clients_[client].allocation, shares_, hierarchy_.weightOf(client));
}

void RandomSorter::sort(std::vector<ClientId>& out) {
  scratchClients_.clear();
  scratchWeights_.clear();
  for (ClientId id : byPath_) {
    if (!clients_[id].active) continue;
    scratchClients_.push_back(id);
    scratchWeights_.push_back(hierarchy_.weightOf(id));
  }
  weightedShuffle(scratchClients_, scratchWeights_, random_, out);
}

void RandomSorter::beginWalk() {
  sort(walk_);
  walkPos_ = 0;
  walking_ = true;
}

bool RandomSorter::next(ClientId& client) {
  if (!walking_ || walkPos_ == walk_.size()) return false;
  client = walk_[walkPos_++];
  return true;
}

}  // namespace mesos::drf
