// Eight int32 lanes: AVX2 when the compiler targets it, plain arrays otherwise, with identical
// semantics (wrapping add/sub/multiply, shifts by >= 32 saturate to sign/zero fill).
#pragma once

#include <cstdint>

#ifdef __AVX2__
#include <immintrin.h>
#endif

namespace l1t::nn::simd {

inline constexpr int kLanes = 8;

#ifdef __AVX2__

struct I32x8 {
  __m256i v;
};

inline I32x8 load(const int32_t* p) {
  return {_mm256_load_si256(reinterpret_cast<const __m256i*>(p))};
}
inline void store(int32_t* p, I32x8 a) { _mm256_store_si256(reinterpret_cast<__m256i*>(p), a.v); }
inline I32x8 splat(int32_t x) { return {_mm256_set1_epi32(x)}; }
inline I32x8 operator+(I32x8 a, I32x8 b) { return {_mm256_add_epi32(a.v, b.v)}; }
inline I32x8 operator-(I32x8 a, I32x8 b) { return {_mm256_sub_epi32(a.v, b.v)}; }
inline I32x8 operator&(I32x8 a, I32x8 b) { return {_mm256_and_si256(a.v, b.v)}; }
inline I32x8 operator|(I32x8 a, I32x8 b) { return {_mm256_or_si256(a.v, b.v)}; }
inline I32x8 andnot(I32x8 a, I32x8 b) { return {_mm256_andnot_si256(a.v, b.v)}; }  // ~a & b
inline I32x8 mul_lo(I32x8 a, I32x8 b) { return {_mm256_mullo_epi32(a.v, b.v)}; }
inline I32x8 sra(I32x8 a, int n) { return {_mm256_sra_epi32(a.v, _mm_cvtsi32_si128(n))}; }
inline I32x8 sll(I32x8 a, int n) { return {_mm256_sll_epi32(a.v, _mm_cvtsi32_si128(n))}; }
inline I32x8 gt(I32x8 a, I32x8 b) { return {_mm256_cmpgt_epi32(a.v, b.v)}; }  // a > b: all ones
inline I32x8 eq(I32x8 a, I32x8 b) { return {_mm256_cmpeq_epi32(a.v, b.v)}; }
inline I32x8 min(I32x8 a, I32x8 b) { return {_mm256_min_epi32(a.v, b.v)}; }
inline I32x8 max(I32x8 a, I32x8 b) { return {_mm256_max_epi32(a.v, b.v)}; }

#else  // portable

struct I32x8 {
  int32_t v[kLanes];
};

namespace detail {
template <class F>
inline I32x8 map(I32x8 a, I32x8 b, F f) {
  I32x8 r;
  for (int l = 0; l < kLanes; ++l) r.v[l] = f(a.v[l], b.v[l]);
  return r;
}
inline int32_t wrap(uint32_t x) { return static_cast<int32_t>(x); }
}  // namespace detail

inline I32x8 load(const int32_t* p) {
  I32x8 r;
  for (int l = 0; l < kLanes; ++l) r.v[l] = p[l];
  return r;
}
inline void store(int32_t* p, I32x8 a) {
  for (int l = 0; l < kLanes; ++l) p[l] = a.v[l];
}
inline I32x8 splat(int32_t x) {
  I32x8 r;
  for (int l = 0; l < kLanes; ++l) r.v[l] = x;
  return r;
}
inline I32x8 operator+(I32x8 a, I32x8 b) {
  return detail::map(a, b, [](int32_t x, int32_t y) {
    return detail::wrap(static_cast<uint32_t>(x) + static_cast<uint32_t>(y));
  });
}
inline I32x8 operator-(I32x8 a, I32x8 b) {
  return detail::map(a, b, [](int32_t x, int32_t y) {
    return detail::wrap(static_cast<uint32_t>(x) - static_cast<uint32_t>(y));
  });
}
inline I32x8 operator&(I32x8 a, I32x8 b) {
  return detail::map(a, b, [](int32_t x, int32_t y) { return x & y; });
}
inline I32x8 operator|(I32x8 a, I32x8 b) {
  return detail::map(a, b, [](int32_t x, int32_t y) { return x | y; });
}
inline I32x8 andnot(I32x8 a, I32x8 b) {
  return detail::map(a, b, [](int32_t x, int32_t y) { return ~x & y; });
}
inline I32x8 mul_lo(I32x8 a, I32x8 b) {
  return detail::map(a, b, [](int32_t x, int32_t y) {
    return detail::wrap(static_cast<uint32_t>(x) * static_cast<uint32_t>(y));
  });
}
inline I32x8 sra(I32x8 a, int n) {
  const int k = n > 31 ? 31 : n;
  I32x8 r;
  for (int l = 0; l < kLanes; ++l) r.v[l] = a.v[l] >> k;
  return r;
}
inline I32x8 sll(I32x8 a, int n) {
  I32x8 r;
  for (int l = 0; l < kLanes; ++l) {
    r.v[l] = n > 31 ? 0 : detail::wrap(static_cast<uint32_t>(a.v[l]) << n);
  }
  return r;
}
inline I32x8 gt(I32x8 a, I32x8 b) {
  return detail::map(a, b, [](int32_t x, int32_t y) { return x > y ? -1 : 0; });
}
inline I32x8 eq(I32x8 a, I32x8 b) {
  return detail::map(a, b, [](int32_t x, int32_t y) { return x == y ? -1 : 0; });
}
inline I32x8 min(I32x8 a, I32x8 b) {
  return detail::map(a, b, [](int32_t x, int32_t y) { return x < y ? x : y; });
}
inline I32x8 max(I32x8 a, I32x8 b) {
  return detail::map(a, b, [](int32_t x, int32_t y) { return x > y ? x : y; });
}

#endif

}  // namespace l1t::nn::simd
