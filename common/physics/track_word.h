// The 96-bit L1 track word: the track finder's output format, used on the wire as is.
//
// Bit layout (bit 0 = least significant; the word is stored as 12 bytes, little-endian, so
// bit i is bit i%8 of byte i/8). Order and widths follow CMS's TTTrack_TrackWord:
//
//   bits    width  field            encoding
//   0-5       6    MVA other        0 (not modelled)
//   6-8       3    MVA quality      0-7, track_quality.h (CMS: BDT score bins of 1/8)
//   9-15      7    hit pattern      bit i: a stub in tracker layer i (6 layers, bit 15 = 0)
//   16-18     3    bend chi2        bin of bend chi2/dof, edges kBendChi2Bins
//   19-31    13    d0               signed, |d0| < 16 cm,           lsb 32/2^13 = 0.0039 cm
//   32-35     4    chi2 r-z         bin of chi2/dof r-z, edges kChi2RZBins
//   36-47    12    z0               signed, |z0| < 20.46912 cm,     lsb 40.93824/2^12 = 0.0100 cm
//   48-63    16    tan(lambda)      signed, |tanL| < 8,             lsb 16/2^16 = 2.44e-4
//   64-67     4    chi2 r-phi       bin of chi2/dof r-phi, edges kChi2RPhiBins
//   68-79    12    phi0             signed, global [-pi, pi),       lsb 2pi/2^12 = 1.53e-3 rad
//   80-94    15    q/R              signed, |q/R| < kPtFromInvR/1.9 = 0.006 /cm (pT >= 1.9 GeV),
//                                   lsb 0.012/2^15 = 3.66e-7 /cm
//   95        1    valid            1 for every packed track
//
// Signed fields hold the two's-complement bin index i = floor(x / lsb), so bin i covers
// [i*lsb, (i+1)*lsb) and reads back at its centre (i + 0.5) * lsb: a round trip moves a value
// by at most half an lsb. Values beyond a field's range (and NaN) go to the edge bin; phi0 is
// an angle, so it is wrapped into [-pi, pi) instead of clamped. The chi2 fields hold the index of
// the last bin edge <= the value (track_quality.h: CMSSW TTTrack_TrackWord's edges) and read
// back as that edge, as CMSSW's getChi2RPhi() does; NaN and negative values go to bin 0. The
// MVA quality is stored as it is (values above 7 are clamped to 7).
#pragma once

#include <cstddef>
#include <cstdint>
#include <numbers>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/physics/track.h"

namespace l1t::physics {

inline constexpr size_t kTrackWordBytes = 12;

// One signed field of the word: where it sits, how wide it is, and the range it covers.
struct TrackWordField {
  int lsb_pos;     // position of its lowest bit in the 96-bit word
  int bits;        // width
  double max_abs;  // covers [-max_abs, max_abs)
  constexpr double lsb() const { return 2 * max_abs / static_cast<double>(int64_t{1} << bits); }
};

inline constexpr TrackWordField kD0Field{19, 13, 16.0};
inline constexpr TrackWordField kZ0Field{36, 12, 20.46912};
inline constexpr TrackWordField kTanLField{48, 16, 8.0};
inline constexpr TrackWordField kPhi0Field{68, 12, std::numbers::pi};
inline constexpr TrackWordField kInvRField{80, 15, kPtFromInvR / 1.9};
inline constexpr int kValidBit = 95;
inline constexpr int kHitPatternPos = 9;
inline constexpr int kHitPatternBits = 7;
inline constexpr int kMvaQualityPos = 6;
inline constexpr int kMvaQualityBits = 3;
inline constexpr int kBendChi2Pos = 16;
inline constexpr int kBendChi2Bits = 3;
inline constexpr int kChi2RZPos = 32;
inline constexpr int kChi2RZBits = 4;
inline constexpr int kChi2RPhiPos = 64;
inline constexpr int kChi2RPhiBits = 4;

// Packs one track into 12 bytes at out12 (valid bit set, MVA other 0).
void pack_track(const Track& t, uint8_t* out12);
// Reads a track back from 12 bytes; every value is its bin centre.
Track unpack_track(const uint8_t* in12);
// The valid bit of a packed word.
bool track_word_valid(const uint8_t* in12);
// What a track looks like after the round trip through the word: unpack(pack(t)).
Track digitise(const Track& t);

// Packs tracks back to back, 12 bytes each: the bytes field of an event message.
std::string pack_tracks(std::span<const Track> tracks);
// Same, into a caller's buffer (resized; reusing it avoids an allocation per event).
void pack_tracks(std::span<const Track> tracks, std::string* out);
// Unpacks back-to-back words into *out (replacing its contents). Returns false, leaving *out
// empty, if the size is not a multiple of kTrackWordBytes.
bool unpack_tracks(std::string_view bytes, std::vector<Track>* out);

namespace internal {
// The portable packer. pack_track may use a SIMD one (AVX2); this lets a test check that the
// two agree bit for bit.
void pack_track_portable(const Track& t, uint8_t* out12);
}  // namespace internal

}  // namespace l1t::physics
