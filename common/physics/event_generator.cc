#include "common/physics/event_generator.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <numbers>
#include <utility>

#include "common/physics/track_word.h"

namespace l1t::physics {
namespace {

constexpr double kPi = std::numbers::pi;

inline double wrap_phi(double phi) {
  if (phi >= kPi) return phi - 2 * kPi;
  if (phi < -kPi) return phi + 2 * kPi;
  return phi;
}

// Fraction of a Tsallis spectrum dN/dpT ~ pT (1 + pT/p0)^-n above pT = a * p0:
// integral_a^inf x (1+x)^-n dx normalised to the full integral, (1+a)^(1-n) (1 + (n-1) a).
double tsallis_fraction_above(double a, double n) {
  return std::pow(1 + a, 1 - n) * (1 + (n - 1) * a);
}

}  // namespace

EventGenerator::EventGenerator(const GeneratorConfig& cfg, uint64_t seed)
    : cfg_(cfg),
      layers_(seed, cfg.stub_efficiency, cfg.bias_rail_band),
      rng_(seed),
      smear_rng_(splitmix64(seed ^ 0x5eed5eed5eed5eedULL)),
      stub_rng_(splitmix64(seed ^ 0x57b557b557b557b5ULL)),
      shuffle_rng_(splitmix64(seed ^ 0x5a0ff1e55a0ff1e5ULL)),
      quality_rng_(splitmix64(seed ^ 0x9a11779a11779a11ULL)),
      material_rng_(splitmix64(seed ^ 0x3a7e3a7e3a7e3a7eULL)),
      fake_rng_(splitmix64(seed ^ 0xfa4efa4efa4efa4eULL)) {
  quality_.fake_chi2_scale = cfg_.quality_fake_chi2_scale;
  quality_.fake_bend_chi2_scale = cfg_.quality_fake_bend_chi2_scale;
  quality_.missing_stub_scale = cfg_.quality_missing_stub_scale;
  quality_.missing_ps_z_scale = cfg_.quality_missing_ps_z_scale;
  quality_.mva_offset = cfg_.quality_mva_offset;
  quality_.mva_stub_weight = cfg_.quality_mva_stub_weight;
  quality_.mva_chi2_weight = cfg_.quality_mva_chi2_weight;
  cfg_.tsallis_n = std::max(cfg_.tsallis_n, 2.5);  // the tail sampler needs n > 2
  cfg_.z0_res_ms_share = std::clamp(cfg_.z0_res_ms_share, 0.0, 1.0);
  z0_res_hit_share_ = 1 - cfg_.z0_res_ms_share;
  const double p0 = cfg_.tsallis_n * cfg_.tsallis_t_gev;
  pu_particles_mean_ = cfg_.pu_charged_per_unit_eta * 2 * cfg_.eta_gen_max *
                       tsallis_fraction_above(cfg_.pt_min / p0, cfg_.tsallis_n);
  exp_minus_pu_mean_ = std::exp(-pu_particles_mean_);
}

// Exact draw from pT (1 + pT/p0)^-n restricted to pT > pt_min: propose from the closed-form
// tail (1 + x)^-(n-1) and accept with x / (1 + x) <= 1 (acceptance >= 60 % at 2 GeV).
double EventGenerator::tsallis_tail_pt() {
  const double n = cfg_.tsallis_n;
  const double p0 = n * cfg_.tsallis_t_gev;
  const double a = cfg_.pt_min / p0;
  for (;;) {
    const double u = 1.0 - uniform01(rng_);
    const double x = (1 + a) * std::pow(u, -1.0 / (n - 2)) - 1;
    if (uniform01(rng_) * (1 + x) < x) return x * p0;
  }
}

double EventGenerator::z0_resolution(double abs_eta, double pt) const {
  size_t bin = 0;
  while (bin < cfg_.z0_res_eta_edges.size() && abs_eta >= cfg_.z0_res_eta_edges[bin]) ++bin;
  const double p = cfg_.z0_res_ref_pt / pt;
  return cfg_.z0_res_cm[bin] * std::sqrt(z0_res_hit_share_ + cfg_.z0_res_ms_share * p * p);
}

void EventGenerator::add_particle(double pt, double eta, double phi, double z, Origin origin,
                                  GeneratedEvent* ev, int charge_sign, bool hadron) {
  if (truth_) truth_->particles.push_back({pt, eta, phi, z, origin, -1});
  // Cheap early exits on truth far outside acceptance (pT resolution ~1-2 %, eta ~1e-3).
  if (pt < 0.9 * cfg_.pt_min || std::abs(eta) > cfg_.eta_max + 0.05) return;
  const double abs_eta = std::abs(eta);
  // Drawn even when the source knows it, so that rng_ runs the same either way.
  double charge = random_sign(rng_);
  if (charge_sign != 0) charge = charge_sign > 0 ? 1.0 : -1.0;
  StubPattern stubs;
  double z0_factor = 1, r_phi_factor = 1;
  if (cfg_.stub_model) {
    stubs = layers_.stubs(pt, eta, phi, z, charge, conditions_, stub_rng_);
    z0_factor = z0_resolution_factor(stubs.n_ps_z());
    r_phi_factor = r_phi_resolution_factor(stubs.n_stubs());
    event_stubs_ += stubs.n_stubs();
    event_crossings_ += kTrackerLayers;
    if (truth_) {
      truth_->particles.back().hit_pattern = stubs.stubs;
      truth_->particles.back().ps_z_pattern = stubs.ps_z;
      truth_->particles.back().rail_lost_pattern = stubs.rail_lost;
      truth_->particles.back().reached_tracker = true;
    }
  }
  // Every draw is made whatever the degradation and the acceptance: degradations scale the
  // draws, so that rng_ (the collisions) runs the same under all of them.
  const double res = tracker_.resolution_scale;
  const double rel =
      (cfg_.inv_r_rel_res + cfg_.inv_r_rel_res_per_eta * abs_eta) * r_phi_factor * res;
  const double g_inv_r = gauss(rng_), g_eta = gauss(rng_), g_z0 = gauss(rng_);
  Track t;
  t.inv_r = charge * kPtFromInvR / pt * (1 + rel * g_inv_r) / tracker_.pt_scale;
  const double eta_m = eta + cfg_.eta_res * res * g_eta;
  t.tan_lambda = std::sinh(eta_m);
  const double z0_res = z0_resolution(abs_eta, pt);
  t.z0 = z + z0_res * z0_factor * res * g_z0 + tracker_.z0_shift_cm;
  t.phi0 = wrap_phi(phi + cfg_.phi0_res * r_phi_factor * res * gauss(rng_));
  t.d0 = cfg_.d0_res_cm * r_phi_factor * res * gauss(rng_);
  // Quality and material: their own engines, drawn for every measured particle.
  const QualityDraws quality_draws = draw_quality(quality_rng_);
  const bool interacted = uniform01(material_rng_) < cfg_.material_interaction_prob && hadron;
  if (truth_) {
    truth_->particles.back().hadron = hadron;
    truth_->particles.back().material_lost = interacted;
  }
  // The fake count follows what the undegraded tracker would accept, so that it (an rng_
  // draw) does not depend on the degradation.
  const double rel0 = cfg_.inv_r_rel_res + cfg_.inv_r_rel_res_per_eta * abs_eta;
  in_acceptance_ += std::abs(eta + cfg_.eta_res * g_eta) < cfg_.eta_max &&
                    std::abs(z + z0_res * g_z0) < cfg_.z0_max &&
                    pt / (1 + rel0 * g_inv_r) > cfg_.pt_min;
  if (!smear_and_accept(t, eta_m)) return;
  if (cfg_.stub_model && !stubs.found()) return;
  if (interacted) return;
  t.hit_pattern = stubs.stubs;
  const QualityInputs quality_in{cfg_.stub_model ? stubs.n_stubs() : kTrackerLayers,
                                 cfg_.stub_model ? stubs.n_ps_z() : kPsLayers, false};
  assign_quality(quality_, quality_in, quality_draws, &t);
  if (truth_) truth_->particles.back().track = static_cast<int32_t>(ev->tracks.size());
  ev->tracks.push_back(t);
  ev->origin.push_back(origin);
  ev->true_z0.push_back(static_cast<float>(z));
}

bool EventGenerator::smear_and_accept(Track& t, double eta) {
  if (additive_smear_ != 0) {
    apply_additive_smear(additive_smear_, cfg_.smear_widths, t, smear_rng_);
    eta = t.eta();
  }
  return std::abs(eta) < cfg_.eta_max && std::abs(t.z0) < cfg_.z0_max &&
         std::abs(t.inv_r) * cfg_.pt_min <= kPtFromInvR;
}

void EventGenerator::add_minimum_bias(double z, double mean_particles, Origin origin,
                                      GeneratedEvent* ev) {
  // Pile-up calls this ~200 times per event with one mean: reuse its exp(-mean).
  const bool pileup = mean_particles == pu_particles_mean_ && pu_particles_mean_ < 10;
  const int n = pileup ? poisson_small(rng_, exp_minus_pu_mean_) : poisson(rng_, mean_particles);
  for (int i = 0; i < n; ++i) {
    const double pt = tsallis_tail_pt();
    const double eta = uniform(rng_, -cfg_.eta_gen_max, cfg_.eta_gen_max);
    const double phi = uniform(rng_, -kPi, kPi);
    add_particle(pt, eta, phi, z, origin, ev);
  }
}

void EventGenerator::add_hard_scatter(double z, GeneratedEvent* ev) {
  // Jets: charged momentum shared among the constituents by a flat Dirichlet (normalised
  // exponentials), i.e. a flat fragmentation function; soft ones fall below threshold.
  const int span = std::max(0, cfg_.jets_max - cfg_.jets_min);
  const int n_jets = cfg_.jets_min + static_cast<int>(uniform_index(rng_, span + 1));
  double shares[64];
  for (int j = 0; j < n_jets; ++j) {
    const double jet_pt = cfg_.jet_pt_min + exponential(rng_, cfg_.jet_pt_mean_excess);
    const double jet_eta = cfg_.jet_eta_sigma * gauss(rng_);
    const double jet_phi = uniform(rng_, -kPi, kPi);
    const double nch_mean = cfg_.jet_nch_a + cfg_.jet_nch_b * std::log(jet_pt);
    const int nch = std::clamp(poisson(rng_, nch_mean), 1, 64);
    double sum = 0;
    for (int k = 0; k < nch; ++k) sum += shares[k] = exponential(rng_, 1.0);
    const double charged_pt = cfg_.jet_charged_fraction * jet_pt / sum;
    for (int k = 0; k < nch; ++k) {
      const double pt = shares[k] * charged_pt;
      if (pt < 0.9 * cfg_.pt_min) continue;  // never reconstructed: skip the direction draws
      const double eta = jet_eta + cfg_.jet_width * gauss(rng_);
      const double phi = wrap_phi(jet_phi + cfg_.jet_width * gauss(rng_));
      add_particle(pt, eta, phi, z, Origin::kPrimary, ev);
    }
  }
  // Isolated leptons (or one-prong taus) from the W decays.
  for (int w = 0; w < cfg_.w_bosons; ++w) {
    if (uniform01(rng_) >= cfg_.w_to_track_prob) continue;
    const double pt = cfg_.lepton_pt_min + exponential(rng_, cfg_.lepton_pt_mean_excess);
    const double eta = cfg_.lepton_eta_sigma * gauss(rng_);
    add_particle(pt, eta, uniform(rng_, -kPi, kPi), z, Origin::kPrimary, ev, 0, /*hadron=*/false);
  }
  // Underlying event.
  add_minimum_bias(z, cfg_.ue_activity_factor * pu_particles_mean_, Origin::kPrimary, ev);
}

void EventGenerator::add_minimum_bias_interaction(double z, Origin origin, GeneratedEvent* ev) {
  if (pileup_library_) {
    const auto& library = *pileup_library_;
    const auto pick = uniform_index(rng_, static_cast<uint32_t>(library.size()));
    add_interaction(library[pick], z - library[pick].vertex_z_cm, origin, ev);
  } else {
    add_minimum_bias(z, pu_particles_mean_, origin, ev);
  }
}

void EventGenerator::add_interaction(const ExternalHardScatter& in, double beam_z, Origin origin,
                                     GeneratedEvent* ev) {
  for (const ExternalParticle& p : in.particles) {
    add_particle(p.pt, p.eta, p.phi, beam_z + p.z_cm, origin, ev, p.charge);
  }
}

// Fakes are combinatorial stub matches: any 4 to 6 layers.
uint8_t EventGenerator::fake_hit_pattern() {
  // Drawn in the parametric tracker too, so that fake_rng_ runs the same in both.
  uint8_t p = static_cast<uint8_t>(fake_rng_() >> 58);  // 6 random bits
  if (!cfg_.stub_model) return 0;
  for (int layer = 0; std::popcount(p) < kMinStubs; ++layer) p |= uint8_t{1} << layer;
  return p;
}

void EventGenerator::add_fakes(GeneratedEvent* ev) {
  const double f = std::clamp(cfg_.fake_fraction, 0.0, 0.5);
  const double occupancy = static_cast<double>(in_acceptance_);
  const double p = cfg_.fake_occupancy_power;
  double mean = f / (1 - f) * occupancy;
  if (cfg_.fake_nominal_occupancy > 0 && occupancy > 0) {
    mean *= std::pow(occupancy / cfg_.fake_nominal_occupancy, p - 1);
  }
  if (cfg_.stub_model && event_crossings_ > 0) {
    const double rho = static_cast<double>(event_stubs_) /
                       (static_cast<double>(event_crossings_) * cfg_.stub_efficiency);
    mean *= std::pow(rho, p);
  }
  const int n = poisson(fake_rng_, mean);
  const double z0_sigma = cfg_.fake_z0_sigma_factor * cfg_.beam_sigma_z_cm;
  for (int i = 0; i < n; ++i) {
    Track t;
    const double pt = cfg_.pt_min + exponential(fake_rng_, cfg_.fake_pt_mean_excess);
    t.inv_r = random_sign(fake_rng_) * kPtFromInvR / pt;
    t.phi0 = uniform(fake_rng_, -kPi, kPi);
    t.tan_lambda = std::sinh(uniform(fake_rng_, -cfg_.eta_max, cfg_.eta_max));
    // The luminous region, widened, inside the acceptance (redrawn: ~2 % at the defaults);
    // flat as before when the factor is 0.
    t.z0 = uniform(fake_rng_, -cfg_.z0_max, cfg_.z0_max);
    for (int tries = 0; z0_sigma > 0 && tries < 100; ++tries) {
      const double z = z0_sigma * gauss(fake_rng_);
      if (std::abs(z) < cfg_.z0_max) {
        t.z0 = z;
        break;
      }
    }
    t.d0 = cfg_.fake_d0_sigma_cm * gauss(fake_rng_);
    t.hit_pattern = fake_hit_pattern();
    const int n_stubs = cfg_.stub_model ? std::popcount(t.hit_pattern) : kTrackerLayers;
    const int n_ps =
        cfg_.stub_model ? std::popcount(static_cast<unsigned>(t.hit_pattern & 0x7u)) : kPsLayers;
    assign_quality(quality_, {n_stubs, n_ps, true}, draw_quality(fake_rng_), &t);
    // Fakes are drawn inside the acceptance; only a smear can take one out (no rng_ draw is
    // skipped, so the collisions stay the same).
    if (additive_smear_ != 0 && !smear_and_accept(t, t.eta())) continue;
    ev->tracks.push_back(t);
    ev->origin.push_back(Origin::kFake);
    ev->true_z0.push_back(std::numeric_limits<float>::quiet_NaN());
  }
}

void EventGenerator::next(const DegradationState& state, GeneratedEvent* out) {
  next(state, out, nullptr);
}

void EventGenerator::next(const DegradationState& state, GeneratedEvent* out,
                          GeneratorTruth* truth) {
  truth_ = truth;
  if (truth_) truth_->particles.clear();
  tracker_ = state.tracker;
  additive_smear_ = state.smear_mode == SmearMode::kAdditive ? state.smear : 0;
  if (!(conditions_.degradation == tracker_)) {
    conditions_ = StubConditions(tracker_, 0.9 * cfg_.pt_min);  // add_particle's early exit
  }
  in_acceptance_ = 0;
  event_stubs_ = 0;
  event_crossings_ = 0;
  out->tracks.clear();
  out->origin.clear();
  out->true_z0.clear();
  const double beam_z = cfg_.beam_sigma_z_cm * gauss(rng_);
  out->pv_z0 = beam_z;
  out->minimum_bias = false;
  if (external_) {
    out->pv_z0 = beam_z + external_->vertex_z_cm;
    add_interaction(*external_, beam_z, Origin::kPrimary, out);
    external_ = nullptr;
  } else if (cfg_.hard_scatter_fraction >= 1 ||
             uniform01(rng_) < cfg_.hard_scatter_fraction) {  // no draw at 1: same bytes
    add_hard_scatter(out->pv_z0, out);
  } else {
    out->minimum_bias = true;
    add_minimum_bias_interaction(out->pv_z0, Origin::kPrimary, out);
  }
  const int n_pu = poisson(rng_, cfg_.pileup_mean);
  for (int v = 0; v < n_pu; ++v) {
    add_minimum_bias_interaction(cfg_.beam_sigma_z_cm * gauss(rng_), Origin::kPileup, out);
  }
  add_fakes(out);

  // Fisher-Yates shuffle of tracks and truth together, then the relative smear and digitise. When
  // particles are recorded, the same swaps on an identity permutation tell where each went.
  const size_t n = out->tracks.size();
  std::vector<int32_t> slot_of;  // original index -> final index; only when recording
  std::vector<int32_t> held;     // final index -> original index
  if (truth_) {
    held.resize(n);
    for (size_t i = 0; i < n; ++i) held[i] = static_cast<int32_t>(i);
  }
  for (size_t i = n; i > 1; --i) {
    const size_t j = uniform_index(shuffle_rng_, static_cast<uint32_t>(i));
    std::swap(out->tracks[i - 1], out->tracks[j]);
    std::swap(out->origin[i - 1], out->origin[j]);
    std::swap(out->true_z0[i - 1], out->true_z0[j]);
    if (truth_) std::swap(held[i - 1], held[j]);
  }
  if (truth_) {
    slot_of.resize(n);
    for (size_t k = 0; k < n; ++k) slot_of[held[k]] = static_cast<int32_t>(k);
    for (GeneratedParticle& p : truth_->particles) {
      if (p.track >= 0) p.track = slot_of[p.track];
    }
    truth_ = nullptr;
  }
  const bool relative = state.smear_mode == SmearMode::kRelative;
  for (Track& t : out->tracks) {
    if (relative) apply_relative_smear(state.smear, t, smear_rng_);
    t = digitise(t);
  }
}

GeneratedEvent EventGenerator::next(const DegradationState& state) {
  GeneratedEvent ev;
  ev.tracks.reserve(400);
  ev.origin.reserve(400);
  ev.true_z0.reserve(400);
  next(state, &ev);
  return ev;
}

}  // namespace l1t::physics
