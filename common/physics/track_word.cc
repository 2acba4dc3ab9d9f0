#include "common/physics/track_word.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstring>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "common/physics/track_quality.h"

namespace l1t::physics {
namespace {

// The word as two machine integers: bits 0-63 and bits 64-95.
struct Word {
  uint64_t lo = 0;
  uint32_t hi = 0;
};

// Clamps v into [lo, hi]; NaN gives lo. On x86 maxsd/minsd do this without branches (maxsd
// returns its second operand when unordered); written with std::min/max the compiler makes
// a chain of branches of it.
inline double clamp_nan_low(double v, double lo, double hi) {
#if defined(__SSE2__)
  return _mm_cvtsd_f64(_mm_min_sd(_mm_max_sd(_mm_set_sd(v), _mm_set_sd(lo)), _mm_set_sd(hi)));
#else
  return std::min(hi, std::max(lo, v));  // (lo < v) ? v : lo is lo for NaN
#endif
}

// Signed bin index of x in field f, clamped to the field before the float-to-int conversion
// (so that no value, NaN included, reaches an undefined conversion).
inline uint64_t encode(double x, const TrackWordField& f) {
  constexpr double kOne = 1.0;
  const double lo = -static_cast<double>(int64_t{1} << (f.bits - 1));
  const double hi = -lo - 1;
  const double v = clamp_nan_low(std::floor(x * (kOne / f.lsb())), lo, hi);
  const uint64_t mask = (uint64_t{1} << f.bits) - 1;
  return static_cast<uint64_t>(static_cast<int64_t>(v)) & mask;
}

// Bin centre of a raw field value (sign-extended from its width).
inline double decode(uint64_t raw, const TrackWordField& f) {
  const int shift = 64 - f.bits;
  const int64_t i = static_cast<int64_t>(raw << shift) >> shift;
  return (static_cast<double>(i) + 0.5) * f.lsb();
}

// phi0 is periodic: bring it into [-pi, pi) rather than clamping.
inline double wrap_phi(double phi) {
  if (phi >= -std::numbers::pi && phi < std::numbers::pi) return phi;
  if (!std::isfinite(phi)) return phi;  // NaN/inf go to an edge bin in encode()
  constexpr double kTwoPi = 2 * std::numbers::pi;
  double w = phi - kTwoPi * std::floor((phi + std::numbers::pi) / kTwoPi);
  return w >= std::numbers::pi ? -std::numbers::pi : w;
}

inline uint64_t hit_pattern_bits(const Track& t) {
  return (uint64_t{t.hit_pattern} & ((1u << kHitPatternBits) - 1)) << kHitPatternPos;
}

// The quality fields: the chi2 bins, the MVA quality and the hit pattern, in both halves.
inline uint64_t quality_bits_lo(const Track& t) {
  const uint64_t mva = std::min<uint64_t>(t.mva_quality, (1u << kMvaQualityBits) - 1);
  return hit_pattern_bits(t) | mva << kMvaQualityPos |
         uint64_t{quality_bin(t.bend_chi2, kBendChi2Bins)} << kBendChi2Pos |
         uint64_t{quality_bin(t.chi2_rz, kChi2RZBins)} << kChi2RZPos;
}
inline uint64_t quality_bits_hi(const Track& t) {
  return uint64_t{quality_bin(t.chi2_rphi, kChi2RPhiBins)} << (kChi2RPhiPos - 64);
}

// The portable packer; the AVX2 one below must give the same bits (see the tests).
inline Word to_word_scalar(const Track& t) {
  Word w;
  w.lo = encode(t.d0, kD0Field) << kD0Field.lsb_pos | encode(t.z0, kZ0Field) << kZ0Field.lsb_pos |
         encode(t.tan_lambda, kTanLField) << kTanLField.lsb_pos | quality_bits_lo(t);
  const uint64_t hi = encode(wrap_phi(t.phi0), kPhi0Field) << (kPhi0Field.lsb_pos - 64) |
                      encode(t.inv_r, kInvRField) << (kInvRField.lsb_pos - 64) |
                      uint64_t{1} << (kValidBit - 64) | quality_bits_hi(t);
  w.hi = static_cast<uint32_t>(hi);
  return w;
}

#if defined(__AVX2__)
// Track's first four doubles (q/R, phi0, tanL, z0) are encoded together in one 4-wide
// register, d0 on its own; this relies on their order in track.h.
static_assert(offsetof(Track, inv_r) == 0 && offsetof(Track, phi0) == 8 &&
              offsetof(Track, tan_lambda) == 16 && offsetof(Track, z0) == 24);
constexpr TrackWordField kLanes[4] = {kInvRField, kPhi0Field, kTanLField, kZ0Field};

constexpr double lane_lo(const TrackWordField& f) {
  return -static_cast<double>(int64_t{1} << (f.bits - 1));
}
alignas(32) constexpr double kScale[4] = {1 / kLanes[0].lsb(), 1 / kLanes[1].lsb(),
                                          1 / kLanes[2].lsb(), 1 / kLanes[3].lsb()};
alignas(32) constexpr double kLo[4] = {lane_lo(kLanes[0]), lane_lo(kLanes[1]), lane_lo(kLanes[2]),
                                       lane_lo(kLanes[3])};
alignas(32) constexpr double kHi[4] = {-kLo[0] - 1, -kLo[1] - 1, -kLo[2] - 1, -kLo[3] - 1};

inline Word to_word(const Track& t) {
  // Load the four doubles straight from the track (building them in a stack array would
  // stall on store forwarding); phi0 is replaced only in the rare case it needs wrapping.
  __m256d v;
  std::memcpy(&v, &t, sizeof v);
  if (!(t.phi0 >= -std::numbers::pi && t.phi0 < std::numbers::pi)) {
    v = _mm256_setr_pd(t.inv_r, wrap_phi(t.phi0), t.tan_lambda, t.z0);
  }
  __m256d x = _mm256_floor_pd(_mm256_mul_pd(v, _mm256_load_pd(kScale)));
  x = _mm256_min_pd(_mm256_max_pd(x, _mm256_load_pd(kLo)), _mm256_load_pd(kHi));  // NaN -> lo
  alignas(16) int32_t i[4];
  _mm_store_si128(reinterpret_cast<__m128i*>(i), _mm256_cvttpd_epi32(x));
  auto raw = [&](int lane) {
    return static_cast<uint64_t>(static_cast<uint32_t>(i[lane])) &
           ((uint64_t{1} << kLanes[lane].bits) - 1);
  };
  Word w;
  w.lo = encode(t.d0, kD0Field) << kD0Field.lsb_pos | raw(3) << kZ0Field.lsb_pos |
         raw(2) << kTanLField.lsb_pos | quality_bits_lo(t);
  w.hi = static_cast<uint32_t>(raw(1) << (kPhi0Field.lsb_pos - 64) |
                               raw(0) << (kInvRField.lsb_pos - 64) |
                               uint64_t{1} << (kValidBit - 64) | quality_bits_hi(t));
  return w;
}
#else
inline Word to_word(const Track& t) { return to_word_scalar(t); }
#endif

inline uint64_t field_lo(const Word& w, const TrackWordField& f) {
  return w.lo >> f.lsb_pos & ((uint64_t{1} << f.bits) - 1);
}
inline uint64_t field_hi(const Word& w, const TrackWordField& f) {
  return uint64_t{w.hi} >> (f.lsb_pos - 64) & ((uint64_t{1} << f.bits) - 1);
}

inline Track from_word(const Word& w) {
  Track t;
  t.d0 = decode(field_lo(w, kD0Field), kD0Field);
  t.z0 = decode(field_lo(w, kZ0Field), kZ0Field);
  t.tan_lambda = decode(field_lo(w, kTanLField), kTanLField);
  t.phi0 = decode(field_hi(w, kPhi0Field), kPhi0Field);
  t.inv_r = decode(field_hi(w, kInvRField), kInvRField);
  t.hit_pattern = static_cast<uint8_t>(w.lo >> kHitPatternPos & ((1u << kHitPatternBits) - 1));
  t.mva_quality = static_cast<uint8_t>(w.lo >> kMvaQualityPos & ((1u << kMvaQualityBits) - 1));
  t.bend_chi2 =
      static_cast<float>(kBendChi2Bins[w.lo >> kBendChi2Pos & ((1u << kBendChi2Bits) - 1)]);
  t.chi2_rz = static_cast<float>(kChi2RZBins[w.lo >> kChi2RZPos & ((1u << kChi2RZBits) - 1)]);
  t.chi2_rphi =
      static_cast<float>(kChi2RPhiBins[w.hi >> (kChi2RPhiPos - 64) & ((1u << kChi2RPhiBits) - 1)]);
  return t;
}

inline void store(const Word& w, uint8_t* out) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(out, &w.lo, 8);
    std::memcpy(out + 8, &w.hi, 4);
  } else {
    for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(w.lo >> (8 * i));
    for (int i = 0; i < 4; ++i) out[8 + i] = static_cast<uint8_t>(w.hi >> (8 * i));
  }
}

inline Word load(const uint8_t* in) {
  Word w;
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(&w.lo, in, 8);
    std::memcpy(&w.hi, in + 8, 4);
  } else {
    for (int i = 0; i < 8; ++i) w.lo |= uint64_t{in[i]} << (8 * i);
    for (int i = 0; i < 4; ++i) w.hi |= uint32_t{in[8 + i]} << (8 * i);
  }
  return w;
}

// Layout sanity: the fields tile bits 19-95 without overlap, as documented in the header.
static_assert(kD0Field.lsb_pos + kD0Field.bits + 4 == kZ0Field.lsb_pos);
static_assert(kZ0Field.lsb_pos + kZ0Field.bits == kTanLField.lsb_pos);
static_assert(kTanLField.lsb_pos + kTanLField.bits + 4 == kPhi0Field.lsb_pos);
static_assert(kPhi0Field.lsb_pos + kPhi0Field.bits == kInvRField.lsb_pos);
static_assert(kInvRField.lsb_pos + kInvRField.bits == kValidBit);
static_assert(kValidBit + 1 == 8 * kTrackWordBytes);
// And the quality fields fill the gaps: MVA quality, hit pattern, bend chi2 below d0, chi2 r-z
// between d0 and z0, chi2 r-phi between tan(lambda) and phi0.
static_assert(kMvaQualityPos + kMvaQualityBits == kHitPatternPos);
static_assert(kHitPatternPos + kHitPatternBits == kBendChi2Pos);
static_assert(kBendChi2Pos + kBendChi2Bits == kD0Field.lsb_pos);
static_assert(kD0Field.lsb_pos + kD0Field.bits == kChi2RZPos);
static_assert(kChi2RZPos + kChi2RZBits == kZ0Field.lsb_pos);
static_assert(kTanLField.lsb_pos + kTanLField.bits == kChi2RPhiPos);
static_assert(kChi2RPhiPos + kChi2RPhiBits == kPhi0Field.lsb_pos);
static_assert(size_t{1} << kChi2RPhiBits == kChi2RPhiBins.size());
static_assert(size_t{1} << kChi2RZBits == kChi2RZBins.size());
static_assert(size_t{1} << kBendChi2Bits == kBendChi2Bins.size());

}  // namespace

void pack_track(const Track& t, uint8_t* out12) { store(to_word(t), out12); }

void internal::pack_track_portable(const Track& t, uint8_t* out12) {
  store(to_word_scalar(t), out12);
}

Track unpack_track(const uint8_t* in12) { return from_word(load(in12)); }

bool track_word_valid(const uint8_t* in12) { return (load(in12).hi >> (kValidBit - 64)) & 1; }

Track digitise(const Track& t) { return from_word(to_word(t)); }

void pack_tracks(std::span<const Track> tracks, std::string* out) {
  out->resize(tracks.size() * kTrackWordBytes);
  auto* p = reinterpret_cast<uint8_t*>(out->data());
  for (const Track& t : tracks) {
    store(to_word(t), p);
    p += kTrackWordBytes;
  }
}

std::string pack_tracks(std::span<const Track> tracks) {
  std::string out;
  pack_tracks(tracks, &out);
  return out;
}

bool unpack_tracks(std::string_view bytes, std::vector<Track>* out) {
  if (bytes.size() % kTrackWordBytes != 0) {
    out->clear();
    return false;
  }
  // resize() without a clear() first: a reused vector of the same size is not re-zeroed.
  const size_t n = bytes.size() / kTrackWordBytes;
  out->resize(n);
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  for (size_t i = 0; i < n; ++i) (*out)[i] = from_word(load(p + i * kTrackWordBytes));
  return true;
}

}  // namespace l1t::physics
