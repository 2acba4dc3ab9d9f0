#include "common/physics/degradation_parameter.h"

#include <gtest/gtest.h>

#include <cmath>

namespace l1t::physics {
namespace {

using P = DegradationParameter;

TEST(DegradationParameterTest, NamesAndAliases) {
  struct Case {
    const char* name;
    P p;
  };
  for (const Case& c : {Case{"smear", P::kSmear}, Case{"bias_rail", P::kBiasRail},
                        Case{"bias_rail_fraction", P::kBiasRail}, Case{"bad_strips", P::kBadStrips},
                        Case{"bad_strip_fraction", P::kBadStrips},
                        Case{"dead_region", P::kDeadRegion}, Case{"z0_shift", P::kZ0Shift},
                        Case{"z0_shift_cm", P::kZ0Shift}, Case{"misalignment", P::kZ0Shift},
                        Case{"pt_scale", P::kPtScale}, Case{"resolution", P::kResolution},
                        Case{"resolution_scale", P::kResolution}, Case{"scenario", P::kScenario}}) {
    P p = P::kScenario == c.p ? P::kSmear : P::kScenario;
    ASSERT_TRUE(parse_degradation_parameter(c.name, &p)) << c.name;
    EXPECT_EQ(p, c.p) << c.name;
  }
  P p = P::kPtScale;
  EXPECT_FALSE(parse_degradation_parameter("smeer", &p));
  EXPECT_EQ(p, P::kPtScale);
  EXPECT_EQ(to_string(P::kBadStrips), "bad_strips");
  EXPECT_EQ(degradation_parameter_list(),
            "smear, bias_rail, bad_strips, dead_region, z0_shift, pt_scale, resolution, scenario");
}

TEST(DegradationParameterTest, NeutralValuesAreAccepted) {
  for (P p : {P::kSmear, P::kBiasRail, P::kBadStrips, P::kDeadRegion, P::kZ0Shift, P::kPtScale,
              P::kResolution, P::kScenario}) {
    EXPECT_EQ(check_value(p, neutral_value(p)), "") << to_string(p);
  }
  EXPECT_EQ(neutral_value(P::kPtScale), 1.0);
  EXPECT_EQ(neutral_value(P::kResolution), 1.0);
  EXPECT_EQ(neutral_value(P::kBadStrips), 0.0);
}

TEST(DegradationParameterTest, RangesAtTheirEdges) {
  EXPECT_EQ(check_value(P::kBadStrips, 1.0), "");
  EXPECT_NE(check_value(P::kBadStrips, 1.0001), "");
  EXPECT_NE(check_value(P::kBiasRail, -0.01), "");
  EXPECT_NE(check_value(P::kSmear, -0.01), "");
  EXPECT_EQ(check_value(P::kSmear, 0.1), "");
  EXPECT_NE(check_value(P::kPtScale, 0), "");
  EXPECT_EQ(check_value(P::kPtScale, 0.97), "");
  EXPECT_NE(check_value(P::kResolution, -1), "");
  EXPECT_EQ(check_value(P::kZ0Shift, -20), "");
  EXPECT_NE(check_value(P::kZ0Shift, 20.5), "");
  EXPECT_EQ(check_value(P::kDeadRegion, 1), "");
  EXPECT_NE(check_value(P::kDeadRegion, 0.5), "");
  EXPECT_EQ(check_value(P::kScenario, 4), "");
  EXPECT_NE(check_value(P::kScenario, 5), "");
  EXPECT_NE(check_value(P::kScenario, 1.5), "");
  EXPECT_NE(check_value(P::kSmear, NAN), "");
  EXPECT_TRUE(is_switch(P::kScenario));
  EXPECT_TRUE(is_switch(P::kDeadRegion));
  EXPECT_FALSE(is_switch(P::kSmear));
}

}  // namespace
}  // namespace l1t::physics
