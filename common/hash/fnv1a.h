// FNV-1a 64, the project's one checksum of bytes: model updates, trainer checkpoints, seed labels
// and test digests. It catches corruption, not tampering (it is not a cryptographic hash).
// Changing it changes every checksum already on disk, so it is fixed as the standard defines it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace l1t::hash {

inline constexpr uint64_t kFnv1aOffsetBasis = 0xcbf29ce484222325ULL;
inline constexpr uint64_t kFnv1aPrime = 0x100000001b3ULL;

// Streaming: feeding the bytes in pieces gives the hash of the whole.
class Fnv1a {
 public:
  constexpr Fnv1a() = default;
  // Continues from an earlier value() (or starts from another basis, for old digests).
  constexpr explicit Fnv1a(uint64_t state) : hash_(state) {}

  void update(const void* data, size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; ++i) hash_ = (hash_ ^ p[i]) * kFnv1aPrime;
  }
  constexpr void update(std::string_view bytes) {
    for (char c : bytes) hash_ = (hash_ ^ static_cast<unsigned char>(c)) * kFnv1aPrime;
  }
  constexpr uint64_t value() const { return hash_; }

 private:
  uint64_t hash_ = kFnv1aOffsetBasis;
};

constexpr uint64_t fnv1a(std::string_view bytes) {
  Fnv1a h;
  h.update(bytes);
  return h.value();
}

}  // namespace l1t::hash
