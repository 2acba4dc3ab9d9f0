// The hard-scatter / minimum-bias mix (GeneratorConfig::hard_scatter_fraction): at 1 the events
// are the bytes they always were; below 1 a share of the events has a minimum-bias interaction
// as its primary vertex.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "common/hash/fnv1a.h"
#include "common/physics/event_generator.h"
#include "common/physics/track_word.h"
#include "tests/support/event_bytes.h"

namespace l1t::physics {
namespace {

using testing::event_bytes;

// FNV-1a of the bytes of n events. The recorded digests below started from 1469598103934665603,
// the standard offset basis short of its last digit; kept so they still match.
uint64_t digest(EventGenerator& g, int n, const DegradationState& state) {
  hash::Fnv1a h(1469598103934665603ull);
  GeneratedEvent ev;
  for (int i = 0; i < n; ++i) {
    g.next(state, &ev);
    h.update(event_bytes(ev));
  }
  return h.value();
}

TEST(EventGeneratorMixTest, FractionOneGivesTheBytesOfBefore) {
  // Recorded with the generator of the track-quality change (issue #11: the word's chi2, bend
  // chi2 and MVA fields filled, charged hadrons lost in the material, fakes on their own engine
  // following occupancy and stub density; 20 events, relative smear 5 %, on this x86-64 Debian
  // build). Before it, from commit 72bd677 (before the mix existed) on, they were
  // 0x19e08d93b8311353 and 0x06998e695c010fec. The mix at fraction 1 draws nothing, so these
  // are the bytes of a generator without it.
  DegradationState state{1, 0.05};
  state.smear_mode = SmearMode::kRelative;
  EventGenerator untouched(GeneratorConfig{}, 7);
  EXPECT_EQ(digest(untouched, 20, state), 0xfe6cde1a1e2bac87ull);
  EventGenerator seed1(GeneratorConfig{}, 1);
  EXPECT_EQ(digest(seed1, 20, state), 0x42a1fe3a01cd0ba2ull);

  GeneratorConfig explicit_one;
  explicit_one.hard_scatter_fraction = 1.0;
  EventGenerator a(GeneratorConfig{}, 7), b(explicit_one, 7);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(event_bytes(a.next(state)), event_bytes(b.next(state))) << "event " << i;
  }
}

TEST(EventGeneratorMixTest, BelowOneTheChoiceIsDrawn) {
  // The one extra draw moves the stream: a fraction just below 1 (almost always tt-bar still)
  // gives other bytes than 1. Guards the test above against a digest that cannot change.
  GeneratorConfig almost;
  almost.hard_scatter_fraction = 0.999999;
  EventGenerator a(GeneratorConfig{}, 7), b(almost, 7);
  EXPECT_NE(event_bytes(a.next({})), event_bytes(b.next({})));
}

TEST(EventGeneratorMixTest, AnExternalHardScatterDrawsNoChoice) {
  ExternalHardScatter hs;
  hs.vertex_z_cm = 0.5;
  hs.particles = {{12, 0.3, 1.0, 0.5, 1}, {8, -0.7, -2.0, 0.5, -1}, {30, 1.1, 0.2, 0.5, 1}};
  GeneratorConfig mixed;
  mixed.hard_scatter_fraction = 0.3;
  EventGenerator a(GeneratorConfig{}, 21), b(mixed, 21);
  for (int i = 0; i < 5; ++i) {
    a.set_hard_scatter(&hs);
    b.set_hard_scatter(&hs);
    EXPECT_EQ(event_bytes(a.next({})), event_bytes(b.next({}))) << "event " << i;
  }
}

struct Counts {
  double primary_mean = 0;      // primary tracks per event
  double primary_variance = 0;  // of the per-event count
  double pileup_mean = 0;       // pile-up tracks per event
};

Counts count(const GeneratorConfig& cfg, uint64_t seed, int n) {
  EventGenerator g(cfg, seed);
  GeneratedEvent ev;
  double sum = 0, sum2 = 0, pileup = 0;
  for (int i = 0; i < n; ++i) {
    g.next({}, &ev);
    int primary = 0;
    for (Origin o : ev.origin) {
      primary += o == Origin::kPrimary;
      pileup += o == Origin::kPileup;
    }
    sum += primary;
    sum2 += static_cast<double>(primary) * primary;
  }
  Counts c;
  c.primary_mean = sum / n;
  c.primary_variance = sum2 / n - c.primary_mean * c.primary_mean;
  c.pileup_mean = pileup / n;
  return c;
}

TEST(EventGeneratorMixTest, MinimumBiasEventsHaveOneInteractionOfPrimaryTracks) {
  GeneratorConfig mb;
  mb.hard_scatter_fraction = 0;
  const int n = 1000;
  const Counts minbias = count(mb, 31, n);
  const Counts ttbar = count(GeneratorConfig{}, 32, n);
  // One minimum-bias interaction's tracks, measured on the pile-up of the same events: the
  // pile-up tracks per event over <PU> (its error is ~0.1 % here, negligible).
  const double per_interaction = minbias.pileup_mean / mb.pileup_mean;
  EXPECT_GT(per_interaction, 0.5);
  EXPECT_LT(per_interaction, 3.0);
  // The primary count per event is Poisson-like (~1.2 mean): 5 standard errors of its mean.
  const double tolerance = 5 * std::sqrt(minbias.primary_variance / n);
  EXPECT_NEAR(minbias.primary_mean, per_interaction, tolerance);
  EXPECT_LT(minbias.primary_mean, 0.1 * ttbar.primary_mean);
  EXPECT_GT(ttbar.primary_mean, 15);
}

TEST(EventGeneratorMixTest, HalfAndHalfLiesAtTheAverage) {
  // No pile-up: only the primary vertex is counted, and events come quickly.
  GeneratorConfig base;
  base.pileup_mean = 0;
  GeneratorConfig tt = base, mb = base, half = base;
  mb.hard_scatter_fraction = 0;
  half.hard_scatter_fraction = 0.5;
  const int n = 2000;
  const Counts a = count(tt, 41, n), b = count(mb, 42, n), m = count(half, 43, n);
  const double expected = 0.5 * (a.primary_mean + b.primary_mean);
  // Three independent samples: the standard errors of the three means add in quadrature, the
  // mixture's own variance (within both kinds plus the spread between them, ~16 tracks RMS)
  // dominating. 4 standard errors (~1.5 tracks) is far below the distance to either end
  // (~13 tracks), so a wrong fraction (0.45 or 0.55 already) fails.
  const double se =
      std::sqrt((m.primary_variance + 0.25 * a.primary_variance + 0.25 * b.primary_variance) / n);
  EXPECT_NEAR(m.primary_mean, expected, 4 * se);
  EXPECT_GT(m.primary_mean, b.primary_mean + 5);
  EXPECT_LT(m.primary_mean, a.primary_mean - 5);
}

TEST(EventGeneratorMixTest, MinimumBiasPrimaryComesFromThePileupLibrary) {
  // A library of one interaction of three hard central particles: every minimum-bias event's
  // primary vertex is that interaction, placed at the event's beam-spot z.
  std::vector<ExternalHardScatter> library(1);
  library[0].vertex_z_cm = 2.0;
  library[0].particles = {
      {10, 0.2, 0.5, 2.0, 1}, {15, -0.4, 2.5, 2.0, -1}, {20, 0.8, -1.5, 2.0, 1}};
  GeneratorConfig cfg;
  cfg.hard_scatter_fraction = 0;
  cfg.pileup_mean = 0;
  cfg.fake_fraction = 0;
  EventGenerator g(cfg, 5);
  g.set_pileup_library(&library);
  GeneratedEvent ev;
  int primary = 0;
  const int n = 200;
  for (int i = 0; i < n; ++i) {
    g.next({}, &ev);
    ASSERT_LE(ev.tracks.size(), 3u);
    for (size_t k = 0; k < ev.tracks.size(); ++k) {
      ASSERT_EQ(ev.origin[k], Origin::kPrimary);
      EXPECT_NEAR(ev.tracks[k].z0, ev.pv_z0, 1.0);  // at the vertex, not 2 cm off
      ++primary;
    }
  }
  EXPECT_GT(primary, 0.95 * 3 * n);  // hard central tracks are found
}

}  // namespace
}  // namespace l1t::physics
