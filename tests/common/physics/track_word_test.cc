#include "common/physics/track_word.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "common/physics/rng.h"

namespace l1t::physics {
namespace {

Track random_track_in_range(Rng& rng) {
  Track t;
  t.inv_r = uniform(rng, -kInvRField.max_abs, kInvRField.max_abs);
  t.phi0 = uniform(rng, -std::numbers::pi, std::numbers::pi);
  t.tan_lambda = uniform(rng, -kTanLField.max_abs, kTanLField.max_abs);
  t.z0 = uniform(rng, -kZ0Field.max_abs, kZ0Field.max_abs);
  t.d0 = uniform(rng, -kD0Field.max_abs, kD0Field.max_abs);
  return t;
}

// The value a field reads back for raw bin index i.
double centre(const TrackWordField& f, int i) { return (i + 0.5) * f.lsb(); }
int lowest(const TrackWordField& f) { return -(1 << (f.bits - 1)); }
int highest(const TrackWordField& f) { return (1 << (f.bits - 1)) - 1; }

std::string hex(const std::string& bytes) {
  std::string s;
  char buf[3];
  for (unsigned char c : bytes) {
    std::snprintf(buf, sizeof buf, "%02x", c);
    s += buf;
  }
  return s;
}

TEST(TrackWordTest, FieldRangesAsDocumented) {
  EXPECT_NEAR(kInvRField.max_abs, 0.006, 1e-12);  // pT >= 1.9 GeV
  EXPECT_NEAR(kInvRField.lsb(), 0.012 / 32768, 1e-15);
  EXPECT_NEAR(kPhi0Field.lsb(), 2 * std::numbers::pi / 4096, 1e-15);
  EXPECT_NEAR(kTanLField.lsb(), 16.0 / 65536, 1e-15);
  EXPECT_NEAR(kZ0Field.lsb(), 40.93824 / 4096, 1e-15);
  EXPECT_NEAR(kD0Field.lsb(), 32.0 / 8192, 1e-15);
}

TEST(TrackWordTest, RoundTripWithinHalfBin) {
  Rng rng(1);
  for (int i = 0; i < 100000; ++i) {
    const Track t = random_track_in_range(rng);
    const Track d = digitise(t);
    ASSERT_LE(std::abs(d.inv_r - t.inv_r), 0.5 * kInvRField.lsb() * (1 + 1e-9));
    ASSERT_LE(std::abs(d.phi0 - t.phi0), 0.5 * kPhi0Field.lsb() * (1 + 1e-9));
    ASSERT_LE(std::abs(d.tan_lambda - t.tan_lambda), 0.5 * kTanLField.lsb() * (1 + 1e-9));
    ASSERT_LE(std::abs(d.z0 - t.z0), 0.5 * kZ0Field.lsb() * (1 + 1e-9));
    ASSERT_LE(std::abs(d.d0 - t.d0), 0.5 * kD0Field.lsb() * (1 + 1e-9));
  }
}

TEST(TrackWordTest, DigitiseIsIdempotent) {
  Rng rng(2);
  for (int i = 0; i < 10000; ++i) {
    const Track d = digitise(random_track_in_range(rng));
    const Track dd = digitise(d);
    ASSERT_EQ(d.inv_r, dd.inv_r);
    ASSERT_EQ(d.phi0, dd.phi0);
    ASSERT_EQ(d.tan_lambda, dd.tan_lambda);
    ASSERT_EQ(d.z0, dd.z0);
    ASSERT_EQ(d.d0, dd.d0);
  }
}

TEST(TrackWordTest, OutOfRangeValuesClampToEdgeBins) {
  Track hi{1.0, 0.1, 100.0, 1000.0, 50.0};
  Track d = digitise(hi);
  EXPECT_DOUBLE_EQ(d.inv_r, centre(kInvRField, highest(kInvRField)));
  EXPECT_DOUBLE_EQ(d.tan_lambda, centre(kTanLField, highest(kTanLField)));
  EXPECT_DOUBLE_EQ(d.z0, centre(kZ0Field, highest(kZ0Field)));
  EXPECT_DOUBLE_EQ(d.d0, centre(kD0Field, highest(kD0Field)));

  Track lo{-1.0, 0.1, -100.0, -1000.0, -50.0};
  d = digitise(lo);
  EXPECT_DOUBLE_EQ(d.inv_r, centre(kInvRField, lowest(kInvRField)));
  EXPECT_DOUBLE_EQ(d.tan_lambda, centre(kTanLField, lowest(kTanLField)));
  EXPECT_DOUBLE_EQ(d.z0, centre(kZ0Field, lowest(kZ0Field)));
  EXPECT_DOUBLE_EQ(d.d0, centre(kD0Field, lowest(kD0Field)));

  // The range edges themselves: +max is outside [-max, max), -max is the lowest bin.
  Track edge{kInvRField.max_abs, 0, kTanLField.max_abs, -kZ0Field.max_abs, kD0Field.max_abs};
  d = digitise(edge);
  EXPECT_DOUBLE_EQ(d.inv_r, centre(kInvRField, highest(kInvRField)));
  EXPECT_DOUBLE_EQ(d.z0, centre(kZ0Field, lowest(kZ0Field)));

  // NaN must not reach a float-to-int conversion: it lands on an edge bin.
  Track nan{NAN, NAN, NAN, NAN, NAN};
  d = digitise(nan);
  EXPECT_TRUE(std::isfinite(d.inv_r) && std::isfinite(d.phi0) && std::isfinite(d.tan_lambda) &&
              std::isfinite(d.z0) && std::isfinite(d.d0));
}

TEST(TrackWordTest, PhiWrapsInsteadOfClamping) {
  Track t;
  t.phi0 = 1.5 * std::numbers::pi;
  EXPECT_NEAR(digitise(t).phi0, -0.5 * std::numbers::pi, kPhi0Field.lsb());
  t.phi0 = -1.25 * std::numbers::pi;
  EXPECT_NEAR(digitise(t).phi0, 0.75 * std::numbers::pi, kPhi0Field.lsb());
  t.phi0 = std::numbers::pi;  // == -pi
  EXPECT_DOUBLE_EQ(digitise(t).phi0, centre(kPhi0Field, lowest(kPhi0Field)));
}

TEST(TrackWordTest, ByteLayoutStable) {
  // Values at chosen bin centres, so the raw indices are known.
  const int i_d0 = 5, i_z0 = -3, i_tanl = 1000, i_phi = -1, i_invr = 1234;
  Track t;
  t.d0 = centre(kD0Field, i_d0);
  t.z0 = centre(kZ0Field, i_z0);
  t.tan_lambda = centre(kTanLField, i_tanl);
  t.phi0 = centre(kPhi0Field, i_phi);
  t.inv_r = centre(kInvRField, i_invr);
  uint8_t bytes[kTrackWordBytes];
  pack_track(t, bytes);

  // The documented layout, built by hand.
  const uint64_t lo = (uint64_t{i_d0} & 0x1fff) << 19 | (uint64_t(int64_t{i_z0}) & 0xfff) << 36 |
                      (uint64_t{i_tanl} & 0xffff) << 48;
  const uint64_t hi = (uint64_t(int64_t{i_phi}) & 0xfff) << 4 | (uint64_t{i_invr} & 0x7fff) << 16 |
                      uint64_t{1} << 31;
  for (int b = 0; b < 8; ++b) EXPECT_EQ(bytes[b], static_cast<uint8_t>(lo >> (8 * b))) << b;
  for (int b = 0; b < 4; ++b) EXPECT_EQ(bytes[8 + b], static_cast<uint8_t>(hi >> (8 * b))) << b;

  // And frozen as a literal: a change here breaks every stored capture.
  EXPECT_EQ(hex(std::string(reinterpret_cast<char*>(bytes), kTrackWordBytes)),
            "00002800d0ffe803f0ffd284");
  EXPECT_TRUE(track_word_valid(bytes));
  const Track u = unpack_track(bytes);
  EXPECT_DOUBLE_EQ(u.d0, t.d0);
  EXPECT_DOUBLE_EQ(u.z0, t.z0);
  EXPECT_DOUBLE_EQ(u.tan_lambda, t.tan_lambda);
  EXPECT_DOUBLE_EQ(u.phi0, t.phi0);
  EXPECT_DOUBLE_EQ(u.inv_r, t.inv_r);
}

TEST(TrackWordTest, PackTracksRoundTrip) {
  Rng rng(3);
  std::vector<Track> tracks;
  for (int i = 0; i < 300; ++i) tracks.push_back(random_track_in_range(rng));
  const std::string bytes = pack_tracks(tracks);
  ASSERT_EQ(bytes.size(), 300 * kTrackWordBytes);
  std::vector<Track> back;
  ASSERT_TRUE(unpack_tracks(bytes, &back));
  ASSERT_EQ(back.size(), tracks.size());
  for (size_t i = 0; i < tracks.size(); ++i) {
    const Track d = digitise(tracks[i]);
    EXPECT_EQ(back[i].inv_r, d.inv_r);
    EXPECT_EQ(back[i].phi0, d.phi0);
    EXPECT_EQ(back[i].tan_lambda, d.tan_lambda);
    EXPECT_EQ(back[i].z0, d.z0);
    EXPECT_EQ(back[i].d0, d.d0);
  }
  // Packing the unpacked tracks gives the same bytes.
  EXPECT_EQ(pack_tracks(back), bytes);
}

TEST(TrackWordTest, FastPackerMatchesPortableOne) {
  Rng rng(4);
  auto wild = [&] { return uniform(rng, -2, 2) * std::pow(10.0, uniform(rng, -9, 3)); };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<Track> tracks = {{nan, nan, nan, nan, nan},
                               {inf, inf, inf, inf, inf},
                               {-inf, -inf, -inf, -inf, -inf},
                               {0, 0, 0, 0, 0}};
  for (int i = 0; i < 20000; ++i) tracks.push_back(random_track_in_range(rng));
  for (int i = 0; i < 20000; ++i) tracks.push_back({wild(), wild(), wild(), wild(), wild()});
  for (const Track& t : tracks) {
    uint8_t fast[kTrackWordBytes], portable[kTrackWordBytes];
    pack_track(t, fast);
    internal::pack_track_portable(t, portable);
    ASSERT_EQ(0, std::memcmp(fast, portable, kTrackWordBytes))
        << t.inv_r << " " << t.phi0 << " " << t.tan_lambda << " " << t.z0 << " " << t.d0;
  }
}

TEST(TrackWordTest, BadByteLengthRejected) {
  std::vector<Track> out(3);
  EXPECT_FALSE(unpack_tracks(std::string(13, '\0'), &out));
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(unpack_tracks(std::string(11, '\0'), &out));
  EXPECT_TRUE(unpack_tracks(std::string_view(), &out));
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(unpack_tracks(std::string(24, '\0'), &out));
  EXPECT_EQ(out.size(), 2u);
}

TEST(TrackWordTest, HitPatternTakesBits9To15AndNothingElse) {
  Rng rng(12);
  for (int i = 0; i < 2000; ++i) {
    Track t;
    t.inv_r = uniform(rng, -kInvRField.max_abs, kInvRField.max_abs);
    t.phi0 = uniform(rng, -3.14, 3.14);
    t.tan_lambda = uniform(rng, -7, 7);
    t.z0 = uniform(rng, -15, 15);
    t.d0 = uniform(rng, -1, 1);
    uint8_t plain[kTrackWordBytes], with_hits[kTrackWordBytes];
    pack_track(t, plain);
    t.hit_pattern = static_cast<uint8_t>(uniform_index(rng, 128));
    pack_track(t, with_hits);
    // Bytes 1 holds bits 8-15: only bits 9-15 may differ, every other byte is the same.
    for (size_t b = 0; b < kTrackWordBytes; ++b) {
      const int mask = b == 1 ? 0xfe : 0x00;
      ASSERT_EQ(plain[b] & ~mask, with_hits[b] & ~mask) << "byte " << b;
    }
    ASSERT_EQ(with_hits[1] >> 1, t.hit_pattern);
    const Track back = unpack_track(with_hits), plain_back = unpack_track(plain);
    EXPECT_EQ(back.hit_pattern, t.hit_pattern);
    EXPECT_EQ(back.z0, plain_back.z0);
    EXPECT_EQ(back.d0, plain_back.d0);
    EXPECT_EQ(back.tan_lambda, plain_back.tan_lambda);
    EXPECT_EQ(back.phi0, plain_back.phi0);
    EXPECT_EQ(back.inv_r, plain_back.inv_r);
    uint8_t portable[kTrackWordBytes];
    internal::pack_track_portable(t, portable);
    ASSERT_EQ(std::memcmp(portable, with_hits, kTrackWordBytes), 0);
  }
}

}  // namespace
}  // namespace l1t::physics
