// The scenario's `physics:` section: configs/default.yaml holds every generator constant and
// gives exactly the built-in GeneratorConfig, overrides reach the generator, and every bad
// value is refused naming its key.
#include "common/config/physics_config.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "common/config/physics_settings.h"
#include "common/config/scenario.h"

namespace l1t::config {
namespace {

using physics::GeneratorConfig;

const std::string kDefault = L1T_SOURCE_DIR "/configs/default.yaml";

std::string text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}
template <size_t N>
std::string text(const std::array<double, N>& a) {
  std::string s;
  for (double v : a) s += text(v) + " ";
  return s;
}

// Every field of GeneratorConfig by its YAML key, as text: two configs compare field by field
// and a mismatch names the field.
std::vector<std::pair<std::string, std::string>> fields(const GeneratorConfig& g) {
  return {
      {"pileup_mean", text(g.pileup_mean)},
      {"beam_sigma_z_cm", text(g.beam_sigma_z_cm)},
      {"pt_min", text(g.pt_min)},
      {"eta_max", text(g.eta_max)},
      {"z0_max", text(g.z0_max)},
      {"eta_gen_max", text(g.eta_gen_max)},
      {"pu_charged_per_unit_eta", text(g.pu_charged_per_unit_eta)},
      {"tsallis_n", text(g.tsallis_n)},
      {"tsallis_t_gev", text(g.tsallis_t_gev)},
      {"jets_min", std::to_string(g.jets_min)},
      {"jets_max", std::to_string(g.jets_max)},
      {"jet_pt_min", text(g.jet_pt_min)},
      {"jet_pt_mean_excess", text(g.jet_pt_mean_excess)},
      {"jet_eta_sigma", text(g.jet_eta_sigma)},
      {"jet_charged_fraction", text(g.jet_charged_fraction)},
      {"jet_nch_a", text(g.jet_nch_a)},
      {"jet_nch_b", text(g.jet_nch_b)},
      {"jet_width", text(g.jet_width)},
      {"w_bosons", std::to_string(g.w_bosons)},
      {"w_to_track_prob", text(g.w_to_track_prob)},
      {"lepton_pt_min", text(g.lepton_pt_min)},
      {"lepton_pt_mean_excess", text(g.lepton_pt_mean_excess)},
      {"lepton_eta_sigma", text(g.lepton_eta_sigma)},
      {"ue_activity_factor", text(g.ue_activity_factor)},
      {"hard_scatter_fraction", text(g.hard_scatter_fraction)},
      {"z0_res_eta_edges", text(g.z0_res_eta_edges)},
      {"z0_res_cm", text(g.z0_res_cm)},
      {"z0_res_ref_pt", text(g.z0_res_ref_pt)},
      {"z0_res_ms_share", text(g.z0_res_ms_share)},
      {"inv_r_rel_res", text(g.inv_r_rel_res)},
      {"inv_r_rel_res_per_eta", text(g.inv_r_rel_res_per_eta)},
      {"phi0_res", text(g.phi0_res)},
      {"eta_res", text(g.eta_res)},
      {"d0_res_cm", text(g.d0_res_cm)},
      {"fake_fraction", text(g.fake_fraction)},
      {"fake_pt_mean_excess", text(g.fake_pt_mean_excess)},
      {"fake_d0_sigma_cm", text(g.fake_d0_sigma_cm)},
      {"fake_occupancy_power", text(g.fake_occupancy_power)},
      {"fake_nominal_occupancy", text(g.fake_nominal_occupancy)},
      {"fake_z0_sigma_factor", text(g.fake_z0_sigma_factor)},
      {"material_interaction_prob", text(g.material_interaction_prob)},
      {"quality_fake_chi2_scale", text(g.quality_fake_chi2_scale)},
      {"quality_fake_bend_chi2_scale", text(g.quality_fake_bend_chi2_scale)},
      {"quality_missing_stub_scale", text(g.quality_missing_stub_scale)},
      {"quality_missing_ps_z_scale", text(g.quality_missing_ps_z_scale)},
      {"quality_mva_offset", text(g.quality_mva_offset)},
      {"quality_mva_stub_weight", text(g.quality_mva_stub_weight)},
      {"quality_mva_chi2_weight", text(g.quality_mva_chi2_weight)},
      {"stub_model", g.stub_model ? "true" : "false"},
      {"stub_efficiency", text(g.stub_efficiency)},
      {"smear_widths",
       text(std::array<double, 5>{g.smear_widths.pt, g.smear_widths.eta, g.smear_widths.phi,
                                  g.smear_widths.z0, g.smear_widths.d0})},
      {"bias_rail_band",
       text(std::array<double, 2>{g.bias_rail_band.rail_um, g.bias_rail_band.implant_um})},
  };
}

// The number of members of an aggregate: the most initialisers T{...} accepts. It makes a field
// added to GeneratorConfig without a line in fields() (and so in default.yaml) fail to build.
struct AnyField {
  template <class T>
  operator T() const;
};
template <class T, class... A>
constexpr size_t field_count() {
  if constexpr (requires { T{A{}..., AnyField{}}; }) {
    return field_count<T, A..., AnyField>();
  } else {
    return sizeof...(A);
  }
}
static_assert(field_count<GeneratorConfig>() == 52,
              "GeneratorConfig changed: list the field in fields() and in configs/default.yaml");

void expect_same_fields(const GeneratorConfig& got, const GeneratorConfig& want) {
  const auto a = fields(got), b = fields(want);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].second, b[i].second) << a[i].first;
}

TEST(PhysicsConfigTest, TheFieldListCoversEveryMember) {
  EXPECT_EQ(fields(GeneratorConfig{}).size(), field_count<GeneratorConfig>());
}

TEST(PhysicsConfigTest, DefaultYamlIsTheBuiltInGenerator) {
  Scenario s;
  std::string error;
  ASSERT_TRUE(load_scenario(kDefault, {}, &s, &error)) << error;
  // All but the mix: the built-in generator is the signal sample (what models are trained and
  // experiments run on), the default scenario adds the trigger's minimum-bias rate sample.
  EXPECT_EQ(signal_generator_config(s).hard_scatter_fraction, 1.0);
  EXPECT_EQ(generator_config(s).hard_scatter_fraction, 0.5);
  expect_same_fields(signal_generator_config(s), GeneratorConfig{});

  // Not by absence: the file spells out every key but the beam's (those are in emulator:) and
  // the smear's widths and the bias-rail band (degradation.smear_widths: smear_config_test.cc;
  // degradation.bias_rail_band: degradation_config_test.cc).
  const YAML::Node physics = YAML::LoadFile(kDefault)["physics"];
  ASSERT_TRUE(physics.IsMap());
  size_t listed = 0;
  for (const auto& [key, value] : fields(GeneratorConfig{})) {
    if (key == "pileup_mean" || key == "beam_sigma_z_cm") {
      EXPECT_FALSE(physics[key]) << key << " belongs in emulator:";
      continue;
    }
    if (key == "smear_widths" || key == "bias_rail_band") {
      EXPECT_FALSE(physics[key]) << key << " belongs in degradation:";
      EXPECT_TRUE(YAML::LoadFile(kDefault)["degradation"][key]) << key;
      continue;
    }
    EXPECT_TRUE(physics[key]) << "configs/default.yaml physics: lacks " << key;
    ++listed;
  }
  EXPECT_EQ(physics.size(), listed);
}

TEST(PhysicsConfigTest, OverridesReachTheGenerator) {
  Scenario s;
  std::string error;
  ASSERT_TRUE(load_scenario(kDefault,
                            {"physics.tsallis_n=7", "physics.z0_res_cm=[0.2, 0.3, 0.5, 0.7]",
                             "physics.hard_scatter_fraction=0.25", "physics.stub_model=false",
                             "emulator.pileup_mean=140"},
                            &s, &error))
      << error;
  const GeneratorConfig g = generator_config(s);
  EXPECT_EQ(g.tsallis_n, 7);
  EXPECT_EQ(g.z0_res_cm, (std::array<double, 4>{0.2, 0.3, 0.5, 0.7}));
  EXPECT_EQ(g.hard_scatter_fraction, 0.25);
  EXPECT_FALSE(g.stub_model);
  EXPECT_EQ(g.pileup_mean, 140);  // the beam comes from emulator:
  // The rest stays as built in.
  GeneratorConfig want;
  want.tsallis_n = 7;
  want.z0_res_cm = {0.2, 0.3, 0.5, 0.7};
  want.hard_scatter_fraction = 0.25;
  want.stub_model = false;
  want.pileup_mean = 140;
  expect_same_fields(g, want);
}

TEST(PhysicsConfigTest, AnAbsentSectionKeepsTheBuiltInValues) {
  Scenario s;
  std::string error;
  ASSERT_TRUE(parse_scenario("emulator:\n  beam_sigma_z_cm: 5\n", {}, &s, &error)) << error;
  GeneratorConfig want;
  want.beam_sigma_z_cm = 5;
  expect_same_fields(generator_config(s), want);
}

struct BadRow {
  std::string set;   // an override
  std::string key;   // the key the message must name
  std::string rule;  // a fragment of the reason
};

// One row per rule of physics_config.cc.
TEST(PhysicsConfigTest, BadValuesAreRefusedNamingTheKey) {
  const std::vector<BadRow> rows = {
      {"physics.pt_min=.nan", "physics.pt_min", "finite"},
      {"physics.jet_width=.inf", "physics.jet_width", "finite"},
      {"physics.z0_res_cm=[0.2, .inf, 0.5, 0.7]", "physics.z0_res_cm", "finite"},
      {"physics.hard_scatter_fraction=1.5", "physics.hard_scatter_fraction", "[0, 1]"},
      {"physics.hard_scatter_fraction=-0.1", "physics.hard_scatter_fraction", "[0, 1]"},
      {"physics.jet_charged_fraction=1.2", "physics.jet_charged_fraction", "[0, 1]"},
      {"physics.w_to_track_prob=-0.5", "physics.w_to_track_prob", "[0, 1]"},
      {"physics.z0_res_ms_share=1.01", "physics.z0_res_ms_share", "[0, 1]"},
      {"physics.fake_fraction=0.6", "physics.fake_fraction", "[0, 0.5]"},
      {"physics.inv_r_rel_res=0", "physics.inv_r_rel_res", "> 0"},
      {"physics.inv_r_rel_res_per_eta=-0.001", "physics.inv_r_rel_res_per_eta", ">= 0"},
      {"physics.phi0_res=0", "physics.phi0_res", "> 0"},
      {"physics.eta_res=-0.001", "physics.eta_res", "> 0"},
      {"physics.d0_res_cm=0", "physics.d0_res_cm", "> 0"},
      {"physics.z0_res_ref_pt=0", "physics.z0_res_ref_pt", "> 0"},
      {"physics.jet_width=0", "physics.jet_width", "> 0"},
      {"physics.jet_eta_sigma=-1", "physics.jet_eta_sigma", "> 0"},
      {"physics.lepton_eta_sigma=0", "physics.lepton_eta_sigma", "> 0"},
      {"physics.fake_d0_sigma_cm=0", "physics.fake_d0_sigma_cm", "> 0"},
      {"physics.pt_min=0", "physics.pt_min", "> 0"},
      {"physics.jet_pt_min=-5", "physics.jet_pt_min", "> 0"},
      {"physics.lepton_pt_min=0", "physics.lepton_pt_min", "> 0"},
      {"physics.tsallis_t_gev=0", "physics.tsallis_t_gev", "> 0"},
      {"physics.eta_max=0", "physics.eta_max", "> 0"},
      {"physics.z0_max=-1", "physics.z0_max", "> 0"},
      {"physics.jet_pt_mean_excess=-1", "physics.jet_pt_mean_excess", ">= 0"},
      {"physics.lepton_pt_mean_excess=-1", "physics.lepton_pt_mean_excess", ">= 0"},
      {"physics.fake_pt_mean_excess=-1", "physics.fake_pt_mean_excess", ">= 0"},
      {"physics.pu_charged_per_unit_eta=-1", "physics.pu_charged_per_unit_eta", ">= 0"},
      {"physics.ue_activity_factor=-2", "physics.ue_activity_factor", ">= 0"},
      {"physics.jet_nch_a=-1", "physics.jet_nch_a", ">= 0"},
      {"physics.jet_nch_b=-1", "physics.jet_nch_b", ">= 0"},
      {"physics.tsallis_n=1", "physics.tsallis_n", ">= 2.5"},
      {"physics.tsallis_n=2.2", "physics.tsallis_n", ">= 2.5"},
      {"physics.jets_min=-1", "physics.jets_min", "0..64"},
      {"physics.jets_max=65", "physics.jets_max", "..64"},
      {"physics.jets_min=7", "physics.jets_max", "jets_min..64"},  // above jets_max = 6
      {"physics.jets_min=4.5", "physics.jets_min", "wrong type"},
      {"physics.w_bosons=-1", "physics.w_bosons", "0..64"},
      {"physics.z0_res_eta_edges=[1.2, 1.6]", "physics.z0_res_eta_edges", "3 numbers"},
      {"physics.z0_res_eta_edges=[1.6, 1.2, 2.0]", "physics.z0_res_eta_edges", "increasing"},
      {"physics.z0_res_eta_edges=[1.2, 1.2, 2.0]", "physics.z0_res_eta_edges", "increasing"},
      {"physics.z0_res_eta_edges=[-0.1, 1.2, 2.0]", "physics.z0_res_eta_edges", ">= 0"},
      {"physics.z0_res_cm=[0.2, 0.3, 0.5]", "physics.z0_res_cm", "4 numbers"},
      {"physics.z0_res_cm=[0.2, 0, 0.5, 0.7]", "physics.z0_res_cm", "> 0"},
      {"physics.eta_gen_max=2.3", "physics.eta_gen_max", "physics.eta_max"},
      {"physics.stub_efficiency=0", "physics.stub_efficiency", "(0, 1]"},
      {"physics.stub_efficiency=1.1", "physics.stub_efficiency", "(0, 1]"},
      {"physics.stub_model=maybe", "physics.stub_model", "wrong type"},
      {"physics.pileup_mean=140", "physics.pileup_mean", "emulator.pileup_mean"},
      {"physics.beam_sigma_z_cm=5", "physics.beam_sigma_z_cm", "emulator.beam_sigma_z_cm"},
      {"physics.fake_occupancy_power=-1", "physics.fake_occupancy_power", "[0, 4]"},
      {"physics.fake_occupancy_power=5", "physics.fake_occupancy_power", "[0, 4]"},
      {"physics.fake_nominal_occupancy=0", "physics.fake_nominal_occupancy", "> 0"},
      {"physics.fake_z0_sigma_factor=-1", "physics.fake_z0_sigma_factor", ">= 0"},
      {"physics.material_interaction_prob=1.5", "physics.material_interaction_prob", "[0, 1]"},
      {"physics.material_interaction_prob=.nan", "physics.material_interaction_prob", "finite"},
      {"physics.quality_fake_chi2_scale=0.5", "physics.quality_fake_chi2_scale", ">= 1"},
      {"physics.quality_fake_bend_chi2_scale=0", "physics.quality_fake_bend_chi2_scale", ">= 1"},
      {"physics.quality_missing_stub_scale=-0.1", "physics.quality_missing_stub_scale", ">= 0"},
      {"physics.quality_missing_ps_z_scale=-1", "physics.quality_missing_ps_z_scale", ">= 0"},
      {"physics.quality_mva_offset=.inf", "physics.quality_mva_offset", "finite"},
      {"physics.quality_mva_stub_weight=-1", "physics.quality_mva_stub_weight", ">= 0"},
      {"physics.quality_mva_chi2_weight=-0.1", "physics.quality_mva_chi2_weight", ">= 0"},
  };
  for (const BadRow& row : rows) {
    Scenario s;
    std::string error;
    EXPECT_FALSE(load_scenario(kDefault, {row.set}, &s, &error)) << row.set;
    EXPECT_NE(error.find("config key '" + row.key + "'"), std::string::npos)
        << row.set << ": " << error;
    EXPECT_NE(error.find(row.rule), std::string::npos) << row.set << ": " << error;
  }
}

// The edges of each rule are accepted: the rules refuse no physics that makes sense.
TEST(PhysicsConfigTest, BoundaryValuesAreAccepted) {
  for (const char* set : {"physics.hard_scatter_fraction=0",
                          "physics.hard_scatter_fraction=1",
                          "physics.fake_fraction=0.5",
                          "physics.fake_fraction=0",
                          "physics.stub_efficiency=1",
                          "physics.tsallis_n=2.5",
                          "physics.eta_gen_max=2.4",
                          "physics.jets_min=6",
                          "physics.jets_min=0",
                          "physics.jets_max=64",
                          "physics.z0_res_ms_share=0",
                          "physics.pu_charged_per_unit_eta=0",
                          "physics.z0_res_eta_edges=[0, 1.6, 2.0]",
                          "physics.fake_occupancy_power=0",
                          "physics.fake_occupancy_power=4",
                          "physics.fake_z0_sigma_factor=0",
                          "physics.material_interaction_prob=0",
                          "physics.material_interaction_prob=1",
                          "physics.quality_fake_chi2_scale=1",
                          "physics.quality_missing_stub_scale=0",
                          "physics.quality_mva_offset=-3",
                          "physics.quality_mva_chi2_weight=0"}) {
    Scenario s;
    std::string error;
    EXPECT_TRUE(load_scenario(kDefault, {set}, &s, &error)) << set << ": " << error;
  }
}

TEST(PhysicsConfigTest, UnknownKeysAndBadShapesAreRefused) {
  Scenario s;
  std::string error;
  EXPECT_FALSE(load_scenario(kDefault, {"physics.tsalis_n=7"}, &s, &error));
  EXPECT_NE(error.find("config key 'physics.tsalis_n' is not a known key"), std::string::npos)
      << error;
  EXPECT_FALSE(parse_scenario("physics: 5\n", {}, &s, &error));
  EXPECT_NE(error.find("config key 'physics' must be a map"), std::string::npos) << error;
  EXPECT_FALSE(parse_scenario("physics:\n  acceptance:\n    pt_min: 3\n", {}, &s, &error));
  EXPECT_NE(error.find("'physics.acceptance'"), std::string::npos) << error;
}

}  // namespace
}  // namespace l1t::config
