#include "common/config/physics_config.h"

#include <array>
#include <cmath>
#include <string>
#include <vector>

namespace l1t::config {
namespace {

// Every number must be finite first; then its own rule.
void number(Section& s, const char* key, double* v, bool (*rule)(double), const char* why) {
  s.get(key, v);
  if (!std::isfinite(*v)) {
    check(false, s, key, "must be a finite number");
  } else {
    check(rule(*v), s, key, why);
  }
}

void positive(Section& s, const char* key, double* v) {
  number(
      s, key, v, [](double x) { return x > 0; }, "must be > 0");
}
void non_negative(Section& s, const char* key, double* v) {
  number(
      s, key, v, [](double x) { return x >= 0; }, "must be >= 0");
}
void fraction(Section& s, const char* key, double* v) {
  number(
      s, key, v, [](double x) { return x >= 0 && x <= 1; }, "must be a fraction in [0, 1]");
}

// A fixed-size list read as a sequence, so that a wrong length gets its own message.
template <size_t N>
void numbers(Section& s, const char* key, std::array<double, N>* out, bool (*rule)(double),
             const char* why) {
  std::vector<double> v(out->begin(), out->end());
  s.get(key, &v);
  if (v.size() != N) {
    check(false, s, key,
          "must list " + std::to_string(N) + " numbers, got " + std::to_string(v.size()));
    return;
  }
  for (double x : v) {
    check(std::isfinite(x), s, key, "must hold finite numbers");
    check(rule(x), s, key, why);
  }
  for (size_t i = 0; i < N; ++i) (*out)[i] = v[i];
}

void read_acceptance(Section& s, physics::GeneratorConfig* g) {
  positive(s, "pt_min", &g->pt_min);
  positive(s, "eta_max", &g->eta_max);
  positive(s, "z0_max", &g->z0_max);
  positive(s, "eta_gen_max", &g->eta_gen_max);
  check(g->eta_gen_max >= g->eta_max, s, "eta_gen_max",
        "must be >= physics.eta_max (particles are generated at least as wide as the "
        "acceptance, so that resolution migrates in)");
}

void read_minimum_bias(Section& s, physics::GeneratorConfig* g) {
  non_negative(s, "pu_charged_per_unit_eta", &g->pu_charged_per_unit_eta);
  // The tail sampler needs n > 2, and the generator holds n at 2.5 or more: refuse what it
  // would change silently.
  number(
      s, "tsallis_n", &g->tsallis_n, [](double x) { return x >= 2.5; },
      "must be >= 2.5 (the Tsallis tail sampler needs n > 2; the generator raises smaller "
      "values to 2.5)");
  positive(s, "tsallis_t_gev", &g->tsallis_t_gev);
}

void read_hard_scatter(Section& s, physics::GeneratorConfig* g) {
  s.get("jets_min", &g->jets_min);
  check(g->jets_min >= 0 && g->jets_min <= 64, s, "jets_min", "must be in 0..64");
  s.get("jets_max", &g->jets_max);
  check(g->jets_max >= g->jets_min && g->jets_max <= 64, s, "jets_max",
        "must be in physics.jets_min..64");
  positive(s, "jet_pt_min", &g->jet_pt_min);
  non_negative(s, "jet_pt_mean_excess", &g->jet_pt_mean_excess);
  positive(s, "jet_eta_sigma", &g->jet_eta_sigma);
  fraction(s, "jet_charged_fraction", &g->jet_charged_fraction);
  non_negative(s, "jet_nch_a", &g->jet_nch_a);
  non_negative(s, "jet_nch_b", &g->jet_nch_b);
  positive(s, "jet_width", &g->jet_width);
  s.get("w_bosons", &g->w_bosons);
  check(g->w_bosons >= 0 && g->w_bosons <= 64, s, "w_bosons", "must be in 0..64");
  fraction(s, "w_to_track_prob", &g->w_to_track_prob);
  positive(s, "lepton_pt_min", &g->lepton_pt_min);
  non_negative(s, "lepton_pt_mean_excess", &g->lepton_pt_mean_excess);
  positive(s, "lepton_eta_sigma", &g->lepton_eta_sigma);
  non_negative(s, "ue_activity_factor", &g->ue_activity_factor);
  fraction(s, "hard_scatter_fraction", &g->hard_scatter_fraction);
}

void read_resolution(Section& s, physics::GeneratorConfig* g) {
  numbers(
      s, "z0_res_eta_edges", &g->z0_res_eta_edges, [](double x) { return x >= 0; },
      "must hold |eta| values >= 0");
  const auto& e = g->z0_res_eta_edges;
  check(e[0] < e[1] && e[1] < e[2], s, "z0_res_eta_edges", "must be strictly increasing");
  numbers(
      s, "z0_res_cm", &g->z0_res_cm, [](double x) { return x > 0; }, "must hold values > 0");
  positive(s, "z0_res_ref_pt", &g->z0_res_ref_pt);
  fraction(s, "z0_res_ms_share", &g->z0_res_ms_share);
  positive(s, "inv_r_rel_res", &g->inv_r_rel_res);
  non_negative(s, "inv_r_rel_res_per_eta", &g->inv_r_rel_res_per_eta);
  positive(s, "phi0_res", &g->phi0_res);
  positive(s, "eta_res", &g->eta_res);
  positive(s, "d0_res_cm", &g->d0_res_cm);
}

void read_fakes(Section& s, physics::GeneratorConfig* g) {
  // The generator caps the fake share at one half (fakes = f / (1 - f) x real tracks).
  number(
      s, "fake_fraction", &g->fake_fraction, [](double x) { return x >= 0 && x <= 0.5; },
      "must be in [0, 0.5]");
  non_negative(s, "fake_pt_mean_excess", &g->fake_pt_mean_excess);
  positive(s, "fake_d0_sigma_cm", &g->fake_d0_sigma_cm);
  number(
      s, "fake_occupancy_power", &g->fake_occupancy_power,
      [](double x) { return x >= 0 && x <= 4; }, "must be in [0, 4]");
  positive(s, "fake_nominal_occupancy", &g->fake_nominal_occupancy);
  non_negative(s, "fake_z0_sigma_factor", &g->fake_z0_sigma_factor);
}

void read_material(Section& s, physics::GeneratorConfig* g) {
  fraction(s, "material_interaction_prob", &g->material_interaction_prob);
}

void read_quality(Section& s, physics::GeneratorConfig* g) {
  // Scales make chi2s larger, never smaller (fakes and degraded tracks are worse fits).
  auto at_least_one = [](double x) { return x >= 1; };
  number(s, "quality_fake_chi2_scale", &g->quality_fake_chi2_scale, at_least_one, "must be >= 1");
  number(s, "quality_fake_bend_chi2_scale", &g->quality_fake_bend_chi2_scale, at_least_one,
         "must be >= 1");
  non_negative(s, "quality_missing_stub_scale", &g->quality_missing_stub_scale);
  non_negative(s, "quality_missing_ps_z_scale", &g->quality_missing_ps_z_scale);
  s.get("quality_mva_offset", &g->quality_mva_offset);
  check(std::isfinite(g->quality_mva_offset), s, "quality_mva_offset", "must be a finite number");
  // Non-negative weights keep the score monotone: more stubs or smaller chi2s never lower it.
  non_negative(s, "quality_mva_stub_weight", &g->quality_mva_stub_weight);
  non_negative(s, "quality_mva_chi2_weight", &g->quality_mva_chi2_weight);
}

}  // namespace

void read_physics(Section s, physics::GeneratorConfig* g) {
  read_acceptance(s, g);
  read_minimum_bias(s, g);
  read_hard_scatter(s, g);
  read_resolution(s, g);
  read_fakes(s, g);
  read_material(s, g);
  read_quality(s, g);
  // The beam stays in emulator: (a timeline drives the pile-up mean from there).
  for (const char* beam : {"pileup_mean", "beam_sigma_z_cm"}) {
    double unused = std::nan("");
    s.get(beam, &unused);
    check(std::isnan(unused), s, beam,
          std::string("belongs in the emulator section: use emulator.") + beam);
  }
  s.get("stub_model", &g->stub_model);
  number(
      s, "stub_efficiency", &g->stub_efficiency, [](double x) { return x > 0 && x <= 1; },
      "must be in (0, 1]");
  s.finish();
}

}  // namespace l1t::config
