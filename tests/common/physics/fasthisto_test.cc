#include "common/physics/fasthisto.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "common/physics/event_generator.h"

namespace l1t::physics {
namespace {

Track track(double pt, double z0) {
  Track t;
  t.inv_r = kPtFromInvR / pt;
  t.z0 = z0;
  return t;
}

TEST(FastHistoTest, EmptyInput) {
  const FastHistoResult r = find_vertex({});
  EXPECT_FALSE(r.found);
  EXPECT_EQ(r.z0, 0.0);
  EXPECT_EQ(find_primary_vertex({}), 0.0);
}

TEST(FastHistoTest, NoUsableTrack) {
  // Below the pT threshold or outside the histogram: nothing enters.
  const std::vector<Track> tracks = {track(1.5, 0.0), track(10, 16.0), track(10, -15.01)};
  EXPECT_FALSE(find_vertex(tracks).found);
}

TEST(FastHistoTest, SingleTrack) {
  const std::vector<Track> tracks = {track(5, 3.21)};
  const FastHistoResult r = find_vertex(tracks);
  EXPECT_TRUE(r.found);
  EXPECT_DOUBLE_EQ(r.z0, 3.21);  // weighted mean of one track
  EXPECT_DOUBLE_EQ(r.sum_pt, 5);
  FastHistoConfig c;
  c.use_bin_centre = true;
  const double width = 30.0 / 256;
  EXPECT_NEAR(find_primary_vertex(tracks, c), 3.21, 1.5 * width);
}

TEST(FastHistoTest, HeaviestClusterWinsWithSaturatedWeights) {
  // One 1000 GeV track weighs only 128; ten 20 GeV tracks (200) at another z win.
  std::vector<Track> tracks = {track(1000, -5.0)};
  for (int i = 0; i < 10; ++i) tracks.push_back(track(20, 4.0 + 0.01 * i));
  const FastHistoResult r = find_vertex(tracks);
  EXPECT_NEAR(r.z0, 4.045, 1e-9);
  EXPECT_DOUBLE_EQ(r.sum_pt, 200);
  FastHistoConfig no_cap;
  no_cap.pt_max = 1e9;
  EXPECT_NEAR(find_primary_vertex(tracks, no_cap), -5.0, 1e-9);
}

TEST(FastHistoTest, WindowSumsNeighbouringBins) {
  // Three 10 GeV tracks spread over 3 adjacent bins beat one 25 GeV track.
  const double width = 30.0 / 256;
  const std::vector<Track> tracks = {track(25, -7.0), track(10, 2.0 - width), track(10, 2.0),
                                     track(10, 2.0 + width)};
  EXPECT_NEAR(find_primary_vertex(tracks), 2.0, 1e-9);
  FastHistoConfig one_bin;
  one_bin.window = 1;
  EXPECT_NEAR(find_primary_vertex(tracks, one_bin), -7.0, 1e-9);
}

TEST(FastHistoTest, TiesGoToLowerZ) {
  const std::vector<Track> tracks = {track(10, 6.0), track(10, -6.0)};
  EXPECT_NEAR(find_primary_vertex(tracks), -6.0, 1e-9);
}

TEST(FastHistoTest, FindsTruePrimaryInTtbarEvents) {
  EventGenerator g({}, 31);
  GeneratedEvent ev;
  FastHistoConfig centre;
  centre.use_bin_centre = true;
  const int n = 500;
  int found = 0, found_centre = 0;
  for (int i = 0; i < n; ++i) {
    g.next({}, &ev);
    found += std::abs(find_primary_vertex(ev.tracks) - ev.pv_z0) < 0.5;
    found_centre += std::abs(find_primary_vertex(ev.tracks, centre) - ev.pv_z0) < 0.5;
  }
  EXPECT_GT(found, 0.9 * n);
  EXPECT_GT(found_centre, 0.9 * n);
}

}  // namespace
}  // namespace l1t::physics
