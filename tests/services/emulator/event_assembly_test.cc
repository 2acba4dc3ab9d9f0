// The emulator's messages without sockets: a generated event and its run-plan conditions in,
// the Event and Truth payloads out, byte for byte what the emulator's main built inline before.
#include "services/emulator/event_assembly.h"

#include <gtest/gtest.h>

#include <cmath>

#include <string>
#include <vector>

#include "common/config/physics_settings.h"
#include "common/physics/event_generator.h"
#include "common/physics/track_word.h"
#include "common/physics/tracker_degradation.h"
#include "common/trigger/degradation_codec.h"
#include "tests/support/scenario_parse.h"

// The test programs link the common/ libraries only, not a service's sources.

namespace l1t::emulator {
namespace {

constexpr int64_t kNow = 1'700'000'000'123'456'789;

// 5 events per lumisection, 2 lumisections per run, 2 runs per fill; bad strips step up at
// lumisection 5; low pile-up, so that events are quick to make.
constexpr const char* kTimeline = R"(name: tiny-timeline
timeline:
  time:
    events_per_lumisection: 5
    lumisections_per_run: 2
    runs_per_fill: 2
    first_run: 100
    first_fill: 7
    peak_pileup: 20
    levelled_lumisections: 2
    decay_lifetime_hours: 0.01
  duration: {fills: 2}
  degradations:
    - parameter: bad_strips
      schedule: {kind: step, axis: lumisection, at: 5, before: 0.0, after: 0.1}
)";

// A staircase of named scenarios with a dead region on top (so no level is a preset).
constexpr const char* kStaircase = R"(name: staircase
emulator: {pileup_mean: 20}
degradation:
  smear_levels: [0.0, 0.05]
  events_per_level: 4
  scenarios: [bri, bri+5bs]
  dead_region: {eta: [0.5, 1.0], phi: [-0.4, 0.4]}
  z0_shift_cm: 0.1
)";

config::RunPlan plan_of(const config::Scenario& s) {
  config::RunPlan plan;
  std::string error;
  EXPECT_TRUE(config::RunPlan::build(s, &plan, &error)) << error;
  return plan;
}

// The emulator's main before EventAssembly, verbatim but for the clock and the smear mode
// (field 13, added with the additive smear): its fill_degradation() and its per-event message
// building.
void legacy_fill_degradation(const physics::DegradationState& s, v1::DegradationState* out) {
  const physics::TrackerDegradation& t = s.tracker;
  out->set_level(static_cast<uint32_t>(s.level));
  out->set_smear(s.smear);
  out->set_scenario(std::string(physics::tracker_scenario_name(t)));
  out->set_bias_rail_fraction(t.bias_rail_fraction);
  out->set_bad_strip_fraction(t.bad_strip_fraction);
  out->set_dead_eta_min(t.dead_region.eta_min);
  out->set_dead_eta_max(t.dead_region.eta_max);
  out->set_dead_phi_min(t.dead_region.phi_min);
  out->set_dead_phi_max(t.dead_region.phi_max);
  out->set_z0_shift_cm(t.z0_shift_cm);
  out->set_pt_scale(t.pt_scale);
  out->set_resolution_scale(t.resolution_scale);
  out->set_smear_mode(s.smear_mode == physics::SmearMode::kRelative ? v1::SMEAR_MODE_RELATIVE
                                                                    : v1::SMEAR_MODE_ADDITIVE);
}

struct Legacy {
  transport::HeaderStamper event_stamp{"emulator"}, truth_stamp{"emulator"};
  v1::Event event;
  v1::Truth truth;
  std::string payload, truth_payload;

  void build(uint64_t i, const config::EventConditions& conditions,
             const physics::GeneratedEvent& ev) {
    const physics::DegradationState& state = conditions.degradation;
    const physics::TimePoint& when = conditions.time;
    event.Clear();
    event_stamp.stamp(event.mutable_header());
    event.mutable_header()->set_sent_unix_ns(kNow);
    event.set_event_id(i + 1);
    event.set_run(when.run);
    event.set_fill(when.fill);
    event.set_lumisection(when.lumisection);
    event.set_integrated_lumi_pb(when.integrated_lumi_pb);
    event.set_pileup_mean(when.pileup_mean);
    event.set_timestamp_ns(kNow);
    legacy_fill_degradation(state, event.mutable_degradation());
    event.set_n_tracks(static_cast<uint32_t>(ev.tracks.size()));
    physics::pack_tracks(ev.tracks, event.mutable_track_words());
    event.SerializeToString(&payload);

    truth.Clear();
    truth_stamp.stamp(truth.mutable_header());
    truth.mutable_header()->set_sent_unix_ns(kNow);
    truth.set_event_id(i + 1);
    truth.set_pv_z0(ev.pv_z0);
    *truth.mutable_degradation() = event.degradation();
    auto* origin = truth.mutable_origin();
    origin->resize(ev.origin.size());
    for (size_t t = 0; t < ev.origin.size(); ++t) (*origin)[t] = static_cast<char>(ev.origin[t]);
    truth.SerializeToString(&truth_payload);
  }
};

// The emulator's generation step: the plan's pile-up when there is a timeline, then next().
struct PlannedRun {
  config::Scenario scenario;
  config::RunPlan plan;
  physics::EventGenerator generator;

  explicit PlannedRun(const std::string& yaml, uint64_t seed = 1)
      : scenario(config::testing::parse_ok(yaml)),
        plan(plan_of(scenario)),
        generator(config::generator_config(scenario), seed) {}

  physics::GeneratedEvent next(uint64_t i) {
    if (plan.has_timeline()) generator.set_pileup_mean(plan.at(i).time.pileup_mean);
    return generator.next(plan.at(i).degradation);
  }
};

EventAssembly fixed_clock_assembly() {
  return EventAssembly([] { return kNow; });
}

TEST(EventAssemblyTest, BuildsTheBytesTheEmulatorBuiltInline) {
  for (const char* yaml : {kTimeline, kStaircase}) {
    PlannedRun run(yaml);
    EventAssembly assembly = fixed_clock_assembly();
    Legacy legacy;
    const uint64_t n = std::min<uint64_t>(run.plan.total_events(), 25);
    ASSERT_GE(n, 8u);
    for (uint64_t i = 0; i < n; ++i) {
      const physics::GeneratedEvent ev = run.next(i);
      assembly.assemble(i, run.plan.at(i), ev);
      legacy.build(i, run.plan.at(i), ev);
      ASSERT_EQ(assembly.event_payload(), legacy.payload) << "event " << i;
      // The truth gained the tracks' pT, phi and true z and the sample flag; the rest is as it
      // was.
      v1::Truth truth;
      ASSERT_TRUE(truth.ParseFromString(assembly.truth_payload()));
      ASSERT_EQ(truth.track_pt_size(), static_cast<int>(ev.tracks.size()));
      ASSERT_EQ(truth.track_phi_size(), static_cast<int>(ev.tracks.size()));
      ASSERT_EQ(truth.track_true_z0_size(), static_cast<int>(ev.tracks.size()));
      EXPECT_EQ(truth.minimum_bias(), ev.minimum_bias);
      truth.clear_track_pt();
      truth.clear_track_phi();
      truth.clear_track_true_z0();
      truth.clear_minimum_bias();
      std::string without_new_fields;
      truth.SerializeToString(&without_new_fields);
      ASSERT_EQ(without_new_fields, legacy.truth_payload) << "event " << i;
    }
  }
}

TEST(EventAssemblyTest, TheTruthCarriesEachTracksPtAndPhiAsItsWordReadsBack) {
  PlannedRun run(
      "name: mix\nemulator: {pileup_mean: 20}\nphysics: {hard_scatter_fraction: 0.5}\n"
      "degradation: {smear_levels: [0.0], events_per_level: 40}\n");
  EventAssembly assembly = fixed_clock_assembly();
  int minimum_bias = 0;
  const uint64_t n = run.plan.total_events();
  ASSERT_EQ(n, 40u);
  for (uint64_t i = 0; i < n; ++i) {
    const physics::GeneratedEvent ev = run.next(i);
    assembly.assemble(i, run.plan.at(i), ev);
    v1::Truth truth;
    v1::Event event;
    ASSERT_TRUE(truth.ParseFromString(assembly.truth_payload()));
    ASSERT_TRUE(event.ParseFromString(assembly.event_payload()));
    std::vector<physics::Track> tracks;
    ASSERT_TRUE(physics::unpack_tracks(event.track_words(), &tracks));
    ASSERT_EQ(truth.track_pt_size(), static_cast<int>(tracks.size()));
    for (size_t t = 0; t < tracks.size(); ++t) {
      EXPECT_FLOAT_EQ(truth.track_pt(static_cast<int>(t)), static_cast<float>(tracks[t].pt()));
      EXPECT_FLOAT_EQ(truth.track_phi(static_cast<int>(t)), static_cast<float>(tracks[t].phi0));
      const float z = truth.track_true_z0(static_cast<int>(t));
      const bool fake = ev.origin[t] == physics::Origin::kFake;
      EXPECT_EQ(std::isnan(z), fake) << "track " << t;
      // The measured z0 is the true one plus L1 resolution (a few mm at most).
      if (!fake) EXPECT_LT(std::abs(tracks[t].z0 - z), 2.0) << "track " << t;
      if (ev.origin[t] == physics::Origin::kPrimary) {
        EXPECT_NEAR(z, truth.pv_z0(), 1e-4) << "a primary comes from the vertex";
      }
    }
    EXPECT_EQ(truth.minimum_bias(), ev.minimum_bias);
    minimum_bias += truth.minimum_bias();
  }
  EXPECT_GT(minimum_bias, 2) << "half the events are the rate sample";
  EXPECT_LT(minimum_bias, static_cast<int>(n) - 2);
}

TEST(EventAssemblyTest, TrackWordsAndOriginsAreTheGeneratedEvents) {
  PlannedRun run(kTimeline);
  EventAssembly assembly = fixed_clock_assembly();
  for (uint64_t i = 0; i < 5; ++i) {
    const physics::GeneratedEvent ev = run.next(i);
    ASSERT_FALSE(ev.tracks.empty());
    assembly.assemble(i, run.plan.at(i), ev);
    v1::Event event;
    v1::Truth truth;
    ASSERT_TRUE(event.ParseFromString(assembly.event_payload()));
    ASSERT_TRUE(truth.ParseFromString(assembly.truth_payload()));
    EXPECT_EQ(event.n_tracks(), ev.tracks.size());
    EXPECT_EQ(event.track_words().size(), event.n_tracks() * physics::kTrackWordBytes);
    EXPECT_EQ(event.track_words(), physics::pack_tracks(ev.tracks));
    std::vector<physics::Track> unpacked;
    ASSERT_TRUE(physics::unpack_tracks(event.track_words(), &unpacked));
    EXPECT_EQ(unpacked.size(), ev.tracks.size());
    ASSERT_EQ(truth.origin().size(), ev.tracks.size());
    for (size_t t = 0; t < ev.origin.size(); ++t) {
      EXPECT_EQ(static_cast<uint8_t>(truth.origin()[t]), static_cast<uint8_t>(ev.origin[t]));
    }
    EXPECT_EQ(truth.pv_z0(), ev.pv_z0);
    EXPECT_EQ(truth.event_id(), event.event_id());
  }
}

TEST(EventAssemblyTest, IdsTimesAndHeadersAreAsPlanned) {
  PlannedRun run(kTimeline);
  EventAssembly assembly = fixed_clock_assembly();
  const uint64_t total = run.plan.total_events();
  ASSERT_EQ(total, 40u);
  std::vector<uint32_t> fills;
  for (uint64_t i = 0; i < total; ++i) {
    const config::EventConditions at = run.plan.at(i);
    assembly.assemble(i, at, run.next(i));
    const v1::Event& e = assembly.event();
    EXPECT_EQ(e.event_id(), i + 1);
    EXPECT_EQ(e.run(), at.time.run);
    EXPECT_EQ(e.fill(), at.time.fill);
    EXPECT_EQ(e.lumisection(), at.time.lumisection);
    EXPECT_EQ(e.integrated_lumi_pb(), at.time.integrated_lumi_pb);
    EXPECT_EQ(e.pileup_mean(), at.time.pileup_mean);
    EXPECT_EQ(e.timestamp_ns(), kNow);
    for (const v1::Header* h : {&e.header(), &assembly.truth().header()}) {
      EXPECT_EQ(h->schema_version(), transport::kSchemaVersion);
      EXPECT_EQ(h->sender(), "emulator");
      EXPECT_EQ(h->sequence(), i + 1);  // one sequence per topic
      EXPECT_EQ(h->sent_unix_ns(), kNow);
    }
    fills.push_back(e.fill());
  }
  // The timeline's numbering: fill 7 then 8, 20 events each; runs from 100.
  EXPECT_EQ(fills.front(), 7u);
  EXPECT_EQ(fills.back(), 8u);
  EXPECT_EQ(assembly.event().run(), 103u);
}

TEST(EventAssemblyTest, TheDegradationInForceIsEncodedOnBoth) {
  for (const char* yaml : {kTimeline, kStaircase}) {
    PlannedRun run(yaml);
    EventAssembly assembly = fixed_clock_assembly();
    for (uint64_t i = 0; i < run.plan.total_events(); ++i) {
      const physics::DegradationState want = run.plan.at(i).degradation;
      assembly.assemble(i, run.plan.at(i), run.next(i));
      const v1::DegradationState& wire = assembly.event().degradation();
      const physics::DegradationState got = trigger::from_wire(wire);
      EXPECT_EQ(got.level, want.level) << "event " << i;
      EXPECT_EQ(got.smear, want.smear) << "event " << i;
      EXPECT_EQ(got.tracker, want.tracker) << "event " << i;
      EXPECT_EQ(wire.scenario(), physics::tracker_scenario_name(want.tracker));
      EXPECT_EQ(assembly.truth().degradation().SerializeAsString(), wire.SerializeAsString());
    }
  }
  // The staircase's last level: bri+5bs with the dead region and the z0 shift.
  PlannedRun run(kStaircase);
  const uint64_t last = run.plan.total_events() - 1;
  EventAssembly assembly = fixed_clock_assembly();
  assembly.assemble(last, run.plan.at(last), run.next(0));
  const v1::DegradationState& d = assembly.event().degradation();
  EXPECT_EQ(d.level(), 1u);
  EXPECT_EQ(d.smear(), 0.05);
  EXPECT_EQ(d.scenario(), "");  // bri+5bs and more is no preset
  EXPECT_EQ(d.bias_rail_fraction(), physics::kBiasRailPresetFraction);
  EXPECT_EQ(d.bad_strip_fraction(), 0.05);
  EXPECT_EQ(d.dead_eta_min(), 0.5);
  EXPECT_EQ(d.dead_eta_max(), 1.0);
  EXPECT_EQ(d.dead_phi_min(), -0.4);
  EXPECT_EQ(d.dead_phi_max(), 0.4);
  EXPECT_EQ(d.z0_shift_cm(), 0.1);
  EXPECT_EQ(d.pt_scale(), 1.0);
  EXPECT_EQ(d.resolution_scale(), 1.0);
}

TEST(EventAssemblyTest, SameSeedSameBytes) {
  PlannedRun a(kTimeline, 5), b(kTimeline, 5), c(kTimeline, 6);
  EventAssembly ea = fixed_clock_assembly(), eb = fixed_clock_assembly(),
                ec = fixed_clock_assembly();
  for (uint64_t i = 0; i < 10; ++i) {
    ea.assemble(i, a.plan.at(i), a.next(i));
    eb.assemble(i, b.plan.at(i), b.next(i));
    ec.assemble(i, c.plan.at(i), c.next(i));
    EXPECT_EQ(ea.event_payload(), eb.event_payload()) << "event " << i;
    EXPECT_EQ(ea.truth_payload(), eb.truth_payload()) << "event " << i;
    EXPECT_NE(ea.event_payload(), ec.event_payload()) << "event " << i;
  }
}

TEST(EventAssemblyTest, TheDefaultClockIsTheWallClock) {
  PlannedRun run(kTimeline);
  EventAssembly assembly;
  const int64_t before = transport::unix_now_ns();
  assembly.assemble(0, run.plan.at(0), run.next(0));
  const int64_t after = transport::unix_now_ns();
  for (int64_t t : {assembly.event().header().sent_unix_ns(), assembly.event().timestamp_ns(),
                    assembly.truth().header().sent_unix_ns()}) {
    EXPECT_GE(t, before);
    EXPECT_LE(t, after);
  }
}

TEST(EventAssemblyTest, TheEndOfRunHeartbeatCountsTheEvents) {
  EventAssembly assembly = fixed_clock_assembly();
  const v1::Heartbeat beat = assembly.end_of_run("finished", 42);
  EXPECT_EQ(beat.process(), "emulator");
  EXPECT_EQ(beat.state(), "finished");
  EXPECT_EQ(beat.messages_out(), 42u);
  EXPECT_EQ(beat.header().sender(), "emulator");
  EXPECT_EQ(beat.header().sequence(), 1u);
  EXPECT_EQ(beat.header().schema_version(), transport::kSchemaVersion);
  EXPECT_EQ(beat.header().sent_unix_ns(), kNow);
}

}  // namespace
}  // namespace l1t::emulator
