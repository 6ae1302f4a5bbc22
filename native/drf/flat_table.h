// FlatTable<V>: a hash table from uint32 keys (indices below 2^31) to values stored inline, with
// open addressing, linear probing and backward-shift deletion (no tombstones). Lookups cost a
// probe or two in one array, where a sorted vector costs a cache miss per binary-search step:
// the allocator asks "has framework f a filter on this agent?" for up to thousands of frameworks
// per agent and cycle.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace mesos::drf {

template <typename V>
class FlatTable {
 public:
  static constexpr std::uint32_t kEmpty = 0xFFFFFFFFu;

  std::size_t size() const { return used_; }
  bool empty() const { return used_ == 0; }

  V* find(std::uint32_t key) {
    if (slots_.empty()) return nullptr;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = home(key, mask);; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.key == kEmpty) return nullptr;
      if (slot.key == key) return &slot.value;
    }
  }
  const V* find(std::uint32_t key) const { return const_cast<FlatTable*>(this)->find(key); }

  // Precondition: key < kEmpty and not present. The returned reference is valid until the next
  // insert or erase.
  V& insert(std::uint32_t key, V value) {
    assert(key != kEmpty && find(key) == nullptr);
    if ((used_ + 1) * 2 > slots_.size()) grow();
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = home(key, mask);
    while (slots_[i].key != kEmpty) i = (i + 1) & mask;
    slots_[i].key = key;
    slots_[i].value = std::move(value);
    ++used_;
    return slots_[i].value;
  }

  bool erase(std::uint32_t key) {
    if (slots_.empty()) return false;
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = home(key, mask);
    while (slots_[i].key != key) {
      if (slots_[i].key == kEmpty) return false;
      i = (i + 1) & mask;
    }
    // Pull later entries of the probe run into the hole when their home slot allows, so that
    // every entry stays reachable from its home without tombstones.
    std::size_t hole = i;
    for (std::size_t j = (i + 1) & mask; slots_[j].key != kEmpty; j = (j + 1) & mask) {
      const std::size_t h = home(slots_[j].key, mask);
      // The entry at j may move to the hole unless its home lies cyclically in (hole, j].
      const bool homeBetween = hole <= j ? (h > hole && h <= j) : (h > hole || h <= j);
      if (!homeBetween) {
        slots_[hole] = std::move(slots_[j]);
        hole = j;
      }
    }
    slots_[hole].key = kEmpty;
    --used_;
    return true;
  }

  void clear() {
    for (Slot& slot : slots_) slot.key = kEmpty;
    used_ = 0;
  }

  // Calls f(key, value) for every entry, in no particular order. f must not insert or erase.
  template <typename F>
  void forEach(F&& f) {
    for (Slot& slot : slots_) {
      if (slot.key != kEmpty) f(slot.key, slot.value);
    }
  }

  // Asks for the whole table to be brought into cache when it is at most `maxBytes` long.
  void prefetch(std::size_t maxBytes) const {
    const std::size_t bytes = slots_.size() * sizeof(Slot);
    if (bytes == 0 || bytes > maxBytes) return;
    const char* from = reinterpret_cast<const char*>(slots_.data());
    for (std::size_t line = 0; line < bytes; line += 64) __builtin_prefetch(from + line);
  }

 private:
  struct Slot {
    std::uint32_t key = kEmpty;
    V value{};
  };

  static std::size_t home(std::uint32_t key, std::size_t mask) {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(key) * 0x9E3779B97F4A7C15ull) >> 29) & mask;
  }

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 8 : old.size() * 2, Slot{});
    used_ = 0;
    const std::size_t mask = slots_.size() - 1;
    for (Slot& slot : old) {
      if (slot.key == kEmpty) continue;
      std::size_t i = home(slot.key, mask);
      while (slots_[i].key != kEmpty) i = (i + 1) & mask;
      slots_[i] = std::move(slot);
      ++used_;
    }
  }

  std::vector<Slot> slots_;
  std::size_t used_ = 0;
};

}  // namespace mesos::drf
