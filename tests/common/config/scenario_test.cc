#include "common/config/scenario.h"

#include <gtest/gtest.h>

#include "tests/support/scenario_parse.h"

namespace l1t::config {
namespace {

using testing::parse_error;
using testing::parse_ok;

TEST(ScenarioTest, TheShippedDefaultLoads) {
  Scenario s;
  std::string error;
  ASSERT_TRUE(load_scenario(L1T_SOURCE_DIR "/configs/default.yaml", {}, &s, &error)) << error;
  EXPECT_EQ(s.name, "default");
  EXPECT_EQ(s.degradation.smear_levels.size(), 11u);
  EXPECT_DOUBLE_EQ(s.degradation.smear_levels.back(), 0.10);
  EXPECT_EQ(s.model.precision, "ap_fixed<16,6>");
}

TEST(ScenarioTest, EmptyFileGivesDefaults) {
  const Scenario s = parse_ok("");
  EXPECT_EQ(s.trainer.batch_size, 64);
  EXPECT_EQ(s.endpoints.events, "tcp://127.0.0.1:5550");
}

TEST(ScenarioTest, OverridesReplaceValuesAndCreateSections) {
  const Scenario s = parse_ok("trainer:\n  batch_size: 32\n",
                              {"trainer.batch_size=16", "degradation.smear_levels=[0, 0.5]",
                               "endpoints.events=tcp://127.0.0.1:*"});
  EXPECT_EQ(s.trainer.batch_size, 16);
  EXPECT_EQ(s.degradation.smear_levels, (std::vector<double>{0, 0.5}));
  EXPECT_EQ(s.endpoints.events, "tcp://127.0.0.1:*");
}

TEST(ScenarioTest, TheControlEndpointIsStillReadFromItsOldName) {
  EXPECT_EQ(parse_ok("endpoints:\n  snapshot: tcp://trainer:7\n").endpoints.control,
            "tcp://trainer:7");
  EXPECT_EQ(parse_ok("", {"endpoints.snapshot=tcp://127.0.0.1:*"}).endpoints.control,
            "tcp://127.0.0.1:*");
  EXPECT_EQ(parse_ok("endpoints:\n  snapshot: tcp://a:1\n  control: tcp://b:2\n").endpoints.control,
            "tcp://b:2")
      << "the new name wins";
  EXPECT_NE(parse_error("endpoints:\n  snapshot: udp://x\n").find("endpoints.control"),
            std::string::npos);
}

TEST(ScenarioTest, UnknownKeysAreNamed) {
  EXPECT_NE(parse_error("trainer:\n  learning_rat: 0.1\n").find("'trainer.learning_rat'"),
            std::string::npos);
  EXPECT_NE(parse_error("colour: red\n").find("'colour'"), std::string::npos);
  EXPECT_NE(parse_error("", {"emulator.speed=3"}).find("'emulator.speed'"), std::string::npos);
}

TEST(ScenarioTest, BadValuesAreNamed) {
  EXPECT_NE(parse_error("emulator:\n  rate_hz: -5\n").find("'emulator.rate_hz'"),
            std::string::npos);
  EXPECT_NE(parse_error("trainer:\n  batch_size: many\n").find("'trainer.batch_size'"),
            std::string::npos);
  EXPECT_NE(parse_error("degradation:\n  smear_levels: []\n").find("'degradation.smear_levels'"),
            std::string::npos);
  EXPECT_NE(parse_error("endpoints:\n  events: localhost:1\n").find("'endpoints.events'"),
            std::string::npos);
  EXPECT_NE(parse_error("trainer:\n  strategy: magic\n").find("'trainer.strategy'"),
            std::string::npos);
  EXPECT_NE(parse_error("trainer: 3\n").find("'trainer'"), std::string::npos);
}

TEST(ScenarioTest, BrokenYamlAndBadOverridesAreReported) {
  EXPECT_NE(parse_error("a: [1, 2\n").find("not valid YAML"), std::string::npos);
  EXPECT_NE(parse_error("", {"no_equals_sign"}).find("key.path=value"), std::string::npos);
}

TEST(ScenarioTest, MissingFileIsReported) {
  Scenario s;
  std::string error;
  EXPECT_FALSE(load_scenario("/nonexistent/x.yaml", {}, &s, &error));
  EXPECT_NE(error.find("/nonexistent/x.yaml"), std::string::npos);
}

TEST(ScenarioTest, LimitsHaveDocumentedDefaultsAndRefuseNonsense) {
  Scenario s;
  std::string error;
  ASSERT_TRUE(load_scenario(L1T_SOURCE_DIR "/configs/default.yaml", {}, &s, &error)) << error;
  const Limits built_in;
  EXPECT_EQ(s.limits.max_message_bytes, built_in.max_message_bytes) << "default.yaml says why";
  EXPECT_EQ(s.limits.max_tracks_per_event, built_in.max_tracks_per_event);
  EXPECT_EQ(s.limits.max_senders, built_in.max_senders);
  EXPECT_EQ(s.limits.max_fill, built_in.max_fill);
  EXPECT_EQ(parse_ok("limits:\n  max_tracks_per_event: 500\n").limits.max_tracks_per_event, 500);
  EXPECT_EQ(parse_ok("", {"limits.max_message_bytes=65536"}).limits.max_message_bytes, 65536);
  EXPECT_NE(parse_error("limits:\n  max_message_bytes: 100\n").find("limits.max_message_bytes"),
            std::string::npos);
  EXPECT_NE(parse_error("limits:\n  max_tracks_per_event: 0\n").find("max_tracks_per_event"),
            std::string::npos);
  EXPECT_NE(parse_error("limits:\n  max_senders: -1\n").find("limits.max_senders"),
            std::string::npos);
  EXPECT_NE(parse_error("limits:\n  max_trakcs: 5\n").find("'limits.max_trakcs'"),
            std::string::npos);
  // A timeline whose own runs the receivers would refuse fails at start, naming the limit.
  ASSERT_TRUE(load_scenario(L1T_SOURCE_DIR "/configs/timeline-example.yaml", {}, &s, &error))
      << error;
  EXPECT_FALSE(load_scenario(L1T_SOURCE_DIR "/configs/timeline-example.yaml", {"limits.max_run=1"},
                             &s, &error));
  EXPECT_NE(error.find("limits.max_run"), std::string::npos) << error;
}

// Found by tests/fuzz/scenario_fuzz.cc: a document that is not a map, or a key that is a list,
// threw from yaml-cpp through the reader.
TEST(ScenarioTest, ADocumentOfAnotherShapeIsAnErrorNotAThrow) {
  EXPECT_NE(parse_error("just a scalar\n").find("must be a map"), std::string::npos);
  EXPECT_NE(parse_error("- a\n- b\n").find("must be a map"), std::string::npos);
  EXPECT_NE(parse_error("trainer: 5\n").find("trainer"), std::string::npos);
  EXPECT_NE(parse_error("? [a, b]\n: 1\n").find("non-scalar key"), std::string::npos);
  EXPECT_NE(parse_error("security: [1]\n").find("security"), std::string::npos);
}

TEST(ScenarioTest, TheSecuritySectionIsReadStrictly) {
  EXPECT_TRUE(parse_ok("").security.curve);
  EXPECT_EQ(parse_ok("").security.keys_dir, "keys");
  EXPECT_FALSE(parse_ok("security:\n  curve: false\n").security.curve);
  EXPECT_EQ(parse_ok("", {"security.keys_dir=/k"}).security.keys_dir, "/k");
  EXPECT_NE(parse_error("security:\n  curev: true\n").find("'security.curev'"), std::string::npos);
}

}  // namespace
}  // namespace l1t::config
