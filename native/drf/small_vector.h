// SmallVector<T, N>: a vector that keeps its first N elements in place and only allocates beyond
// them. The allocator's bundles hold one pool and one port range in the common case; keeping
// those inside the agent (or record, or offer) saves a heap block and a cache miss per access,
// which is what dominates a cycle over tens of thousands of agents visited in random order.
//
// Only what bundle.h needs is provided. Elements must be nothrow-move-constructible.
#pragma once

#include <algorithm>
#include <cassert>
#include <iterator>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace mesos::drf {

template <typename T, std::size_t N>
class SmallVector {
  static_assert(N > 0);
  static_assert(std::is_nothrow_move_constructible_v<T>);

 public:
  using value_type = T;
  using iterator = T*;
  using const_iterator = const T*;

  SmallVector() = default;
  SmallVector(const SmallVector& other) { append(other.begin(), other.end()); }
  SmallVector(SmallVector&& other) noexcept { moveFrom(other); }
  ~SmallVector() {
    clear();
    releaseHeap();
  }

  SmallVector& operator=(const SmallVector& other) {
    if (this != &other) assign(other.begin(), other.end());
    return *this;
  }
  SmallVector& operator=(SmallVector&& other) noexcept {
    if (this != &other) {
      clear();
      releaseHeap();
      moveFrom(other);
    }
    return *this;
  }

  // Replaces the contents with [first, last), reusing both the elements in place (copy
  // assignment keeps their own capacity) and the storage.
  template <typename It>
  void assign(It first, It last) {
    const std::size_t n = static_cast<std::size_t>(std::distance(first, last));
    reserve(n);
    std::size_t i = 0;
    for (; i < size_ && first != last; ++i, ++first) data()[i] = *first;
    if (i < size_) {
      destroy(i, size_);
      size_ = i;
    }
    for (; first != last; ++first) new (data() + size_++) T(*first);
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T* data() { return heap_ != nullptr ? heap_ : inlineData(); }
  const T* data() const { return heap_ != nullptr ? heap_ : inlineData(); }
  T& operator[](std::size_t i) { return data()[i]; }
  const T& operator[](std::size_t i) const { return data()[i]; }
  T* begin() { return data(); }
  T* end() { return data() + size_; }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size_; }
  T& back() { return data()[size_ - 1]; }
  const T& back() const { return data()[size_ - 1]; }

  void clear() {
    destroy(0, size_);
    size_ = 0;
  }
  void pop_back() {
    destroy(size_ - 1, size_);
    --size_;
  }
  void push_back(const T& value) { emplace_back(value); }
  void push_back(T&& value) { emplace_back(std::move(value)); }
  template <typename... Args>
  T& emplace_back(Args&&... args) {
    if (size_ == capacity_) {
      // Construct first: args may refer to an element that growing would move.
      T value(std::forward<Args>(args)...);
      reserve(capacity_ * 2);
      return *new (data() + size_++) T(std::move(value));
    }
    return *new (data() + size_++) T(std::forward<Args>(args)...);
  }
  void resize(std::size_t n) {
    reserve(n);
    if (n < size_) {
      destroy(n, size_);
    } else {
      for (std::size_t i = size_; i < n; ++i) new (data() + i) T();
    }
    size_ = n;
  }
  T* insert(T* at, T value) {
    const std::size_t index = static_cast<std::size_t>(at - begin());
    emplace_back(std::move(value));
    std::rotate(begin() + index, end() - 1, end());
    return begin() + index;
  }
  T* erase(T* at) { return erase(at, at + 1); }
  T* erase(T* first, T* last) {
    const std::size_t from = static_cast<std::size_t>(first - begin());
    const std::size_t to = static_cast<std::size_t>(last - begin());
    std::move(begin() + to, end(), begin() + from);
    const std::size_t newSize = size_ - (to - from);
    destroy(newSize, size_);
    size_ = newSize;
    return begin() + from;
  }
  void reserve(std::size_t n) {
    if (n <= capacity_) return;
    std::size_t capacity = capacity_ * 2;
    while (capacity < n) capacity *= 2;
    T* heap = static_cast<T*>(::operator new(capacity * sizeof(T), std::align_val_t{alignof(T)}));
    T* old = data();
    for (std::size_t i = 0; i < size_; ++i) {
      new (heap + i) T(std::move(old[i]));
      old[i].~T();
    }
    releaseHeap();
    heap_ = heap;
    capacity_ = capacity;
  }

 private:
  T* inlineData() { return std::launder(reinterpret_cast<T*>(inline_)); }
  const T* inlineData() const { return std::launder(reinterpret_cast<const T*>(inline_)); }

  template <typename It>
  void append(It first, It last) {
    reserve(size_ + static_cast<std::size_t>(std::distance(first, last)));
    for (; first != last; ++first) new (data() + size_++) T(*first);
  }
  void destroy(std::size_t from, std::size_t to) {
    if constexpr (!std::is_trivially_destructible_v<T>) {
      for (std::size_t i = from; i < to; ++i) data()[i].~T();
    }
  }
  void releaseHeap() {
    if (heap_ != nullptr) ::operator delete(heap_, std::align_val_t{alignof(T)});
    heap_ = nullptr;
    capacity_ = N;
  }
  // Precondition: this is empty and holds no heap block.
  void moveFrom(SmallVector& other) noexcept {
    if (other.heap_ != nullptr) {
      heap_ = other.heap_;
      capacity_ = other.capacity_;
      size_ = other.size_;
      other.heap_ = nullptr;
      other.capacity_ = N;
      other.size_ = 0;
      return;
    }
    for (std::size_t i = 0; i < other.size_; ++i) new (inlineData() + i) T(std::move(other.data()[i]));
    size_ = other.size_;
    other.clear();
  }

  friend bool operator==(const SmallVector& a, const SmallVector& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  std::size_t size_ = 0;
  std::size_t capacity_ = N;
  T* heap_ = nullptr;  // Owned; nullptr while the elements fit in inline_.
  alignas(T) unsigned char inline_[N * sizeof(T)];
};

}  // namespace mesos::drf
