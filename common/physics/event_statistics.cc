#include "common/physics/event_statistics.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <utility>

namespace l1t::physics {
namespace {

// Index of the bin [edges[i], edges[i+1]) holding x, or -1 outside all bins.
int bin_of(const std::vector<double>& edges, double x) {
  if (edges.size() < 2 || x < edges.front() || x >= edges.back()) return -1;
  const auto it = std::upper_bound(edges.begin(), edges.end(), x);
  return static_cast<int>(it - edges.begin()) - 1;
}

// Quantile q of sorted values, linearly interpolated between order statistics.
double quantile(const std::vector<float>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(pos);
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

ResolutionBin resolution(std::vector<float> residuals, double lo, double hi) {
  ResolutionBin b;
  b.abs_eta_lo = lo;
  b.abs_eta_hi = hi;
  b.tracks = residuals.size();
  if (residuals.empty()) return b;
  double sum = 0, sum_sq = 0;
  for (float r : residuals) sum += r;
  b.mean_cm = sum / static_cast<double>(residuals.size());
  for (float r : residuals) sum_sq += (r - b.mean_cm) * (r - b.mean_cm);
  b.rms_cm = std::sqrt(sum_sq / static_cast<double>(residuals.size()));
  std::sort(residuals.begin(), residuals.end());
  // +-1 sigma of a Gaussian: 15.87 % and 84.13 %.
  b.width68_cm = 0.5 * (quantile(residuals, 0.841345) - quantile(residuals, 0.158655));
  return b;
}

double ratio(double num, double den) { return den > 0 ? num / den : 0.0; }

}  // namespace

EventStatistics::EventStatistics(EventStatisticsConfig cfg) : cfg_(std::move(cfg)) {
  const size_t pt_bins = cfg_.pt_edges.size() > 1 ? cfg_.pt_edges.size() - 1 : 0;
  const size_t eta_bins = cfg_.abs_eta_edges.size() > 1 ? cfg_.abs_eta_edges.size() - 1 : 0;
  generated_.assign(pt_bins, 0);
  reconstructed_.assign(pt_bins, 0);
  z0_residuals_.resize(eta_bins);
}

void EventStatistics::add(const GeneratedEvent& ev, const GeneratorTruth& truth) {
  ++events_;
  const double n = static_cast<double>(ev.tracks.size());
  tracks_ += n;
  tracks_sq_ += n * n;
  for (size_t i = 0; i < ev.tracks.size(); ++i) {
    stubs_ += static_cast<uint64_t>(std::popcount(ev.tracks[i].hit_pattern));
    const Track& t = ev.tracks[i];
    QualitySums& q = quality_[std::min<size_t>(static_cast<size_t>(ev.origin[i]), 2)];
    ++q.tracks;
    q.chi2_rphi += t.chi2_rphi;
    q.chi2_rz += t.chi2_rz;
    q.bend_chi2 += t.bend_chi2;
    q.mva += t.mva_quality;
    ++q.mva_histogram[std::min<size_t>(t.mva_quality, 7)];
    switch (ev.origin[i]) {
      case Origin::kPrimary: {
        ++primary_;
        const int b = bin_of(cfg_.abs_eta_edges, std::abs(ev.tracks[i].eta()));
        if (b >= 0) z0_residuals_[b].push_back(static_cast<float>(ev.tracks[i].z0 - ev.pv_z0));
        break;
      }
      case Origin::kPileup:
        ++pileup_;
        break;
      case Origin::kFake:
        ++fake_;
        break;
    }
  }
  for (const GeneratedParticle& p : truth.particles) {
    // The material draw is made for every particle past the generator's early exit; counted
    // where the tracker model measured it (the stub model's particles).
    if (p.hadron && p.reached_tracker) {
      ++material_hadrons_;
      material_lost_ += p.material_lost;
    }
    if (p.reached_tracker) {
      ++tracker_particles_;
      for (int layer = 0; layer < kTrackerLayers; ++layer) {
        layer_stubs_[layer] += (p.hit_pattern >> layer) & 1u;
        layer_rail_lost_[layer] += (p.rail_lost_pattern >> layer) & 1u;
      }
    }
    if (p.track >= 0) {
      ++particle_tracks_;
      ps_z_incomplete_ += std::popcount(p.ps_z_pattern) < kPsLayers;
    }
    if (p.pt < cfg_.pt_min || std::abs(p.eta) >= cfg_.eta_max || std::abs(p.z0) >= cfg_.z0_max) {
      continue;
    }
    const bool found = p.track >= 0;
    ++generated_all_;
    reconstructed_all_ += found;
    const int b = bin_of(cfg_.pt_edges, p.pt);
    if (b < 0) continue;
    ++generated_[b];
    reconstructed_[b] += found;
  }
  const FastHistoResult v = find_vertex(ev.tracks, cfg_.fasthisto);
  const double dz = v.z0 - ev.pv_z0;
  if (v.found && std::abs(dz) < cfg_.vertex_window_cm) {
    ++vertex_found_;
    vertex_residual_sq_ += dz * dz;
  }
}

EventStatisticsSummary EventStatistics::summary(int level, double smear) const {
  EventStatisticsSummary s;
  s.events = events_;
  s.level = level;
  s.smear = smear;
  const double n_ev = static_cast<double>(events_);
  const double tracks = static_cast<double>(primary_ + pileup_ + fake_);
  s.tracks_per_event_mean = ratio(tracks_, n_ev);
  s.tracks_per_event_rms = std::sqrt(
      std::max(0.0, ratio(tracks_sq_, n_ev) - s.tracks_per_event_mean * s.tracks_per_event_mean));
  s.pv_tracks_per_event_mean = ratio(static_cast<double>(primary_), n_ev);
  s.pileup_tracks_per_event_mean = ratio(static_cast<double>(pileup_), n_ev);
  s.fake_tracks_per_event_mean = ratio(static_cast<double>(fake_), n_ev);
  s.pv_track_fraction = ratio(static_cast<double>(primary_), tracks);
  s.fake_fraction = ratio(static_cast<double>(fake_), tracks);
  s.efficiency_overall =
      ratio(static_cast<double>(reconstructed_all_), static_cast<double>(generated_all_));
  s.stubs_per_track_mean = ratio(static_cast<double>(stubs_), tracks);
  s.ps_z_incomplete_fraction =
      ratio(static_cast<double>(ps_z_incomplete_), static_cast<double>(particle_tracks_));
  uint64_t ps_crossings = 0, ps_rail_lost = 0;
  for (int layer = 0; layer < kTrackerLayers; ++layer) {
    LayerStubBin l;
    l.layer = layer;
    l.r_cm = kTrackerLayout[layer].r_cm;
    l.ps = kTrackerLayout[layer].ps;
    l.crossings = tracker_particles_;
    l.stubs = layer_stubs_[layer];
    l.rail_lost = layer_rail_lost_[layer];
    const double c = static_cast<double>(l.crossings);
    l.stub_fraction = ratio(static_cast<double>(l.stubs), c);
    l.rail_lost_fraction = ratio(static_cast<double>(l.rail_lost), c);
    if (l.ps) {
      ps_crossings += l.crossings;
      ps_rail_lost += l.rail_lost;
    }
    s.stubs_per_layer.push_back(l);
  }
  s.ps_pixel_hits_rail_lost_fraction =
      ratio(static_cast<double>(ps_rail_lost), static_cast<double>(ps_crossings));
  for (size_t b = 0; b < generated_.size(); ++b) {
    EfficiencyBin e;
    e.pt_lo = cfg_.pt_edges[b];
    e.pt_hi = cfg_.pt_edges[b + 1];
    e.generated = generated_[b];
    e.reconstructed = reconstructed_[b];
    const double g = static_cast<double>(e.generated);
    e.efficiency = ratio(static_cast<double>(e.reconstructed), g);
    e.error = g > 0 ? std::sqrt(e.efficiency * (1 - e.efficiency) / g) : 0.0;
    s.efficiency_vs_pt.push_back(e);
  }
  for (size_t b = 0; b < z0_residuals_.size(); ++b) {
    s.z0_resolution_vs_eta.push_back(
        resolution(z0_residuals_[b], cfg_.abs_eta_edges[b], cfg_.abs_eta_edges[b + 1]));
  }
  s.vertex_window_cm = cfg_.vertex_window_cm;
  s.fasthisto_efficiency = ratio(static_cast<double>(vertex_found_), n_ev);
  s.fasthisto_resolution_cm =
      std::sqrt(ratio(vertex_residual_sq_, static_cast<double>(vertex_found_)));
  for (Origin o : {Origin::kPrimary, Origin::kPileup, Origin::kFake}) {
    const QualitySums& q = quality_[static_cast<size_t>(o)];
    QualityByOrigin b;
    b.origin = o;
    b.tracks = q.tracks;
    const double n = static_cast<double>(q.tracks);
    b.chi2_rphi_mean = ratio(q.chi2_rphi, n);
    b.chi2_rz_mean = ratio(q.chi2_rz, n);
    b.bend_chi2_mean = ratio(q.bend_chi2, n);
    b.mva_mean = ratio(q.mva, n);
    b.mva_histogram = q.mva_histogram;
    s.quality.push_back(b);
  }
  s.material_hadrons = material_hadrons_;
  s.material_lost = material_lost_;
  s.material_lost_fraction =
      ratio(static_cast<double>(material_lost_), static_cast<double>(material_hadrons_));
  return s;
}

EventStatisticsSummary describe_events(const GeneratorConfig& gen, uint64_t seed,
                                       const DegradationState& state, uint64_t n,
                                       const EventStatisticsConfig& cfg) {
  EventStatisticsSummary s;
  describe_events(gen, seed, state, n, {}, &s, nullptr, cfg);  // fails only through prepare
  return s;
}

bool describe_events(const GeneratorConfig& gen, uint64_t seed, const DegradationState& state,
                     uint64_t n, const PrepareEvent& prepare, EventStatisticsSummary* out,
                     std::string* error, const EventStatisticsConfig& cfg) {
  EventGenerator generator(gen, seed);
  EventStatistics stats(cfg);
  GeneratedEvent ev;
  GeneratorTruth truth;
  for (uint64_t i = 0; i < n; ++i) {
    if (prepare && !prepare(generator, error)) return false;
    generator.next(state, &ev, &truth);
    stats.add(ev, truth);
  }
  *out = stats.summary(state.level, state.smear);
  out->smear_mode = state.smear_mode;
  out->smear_widths = gen.smear_widths;
  return true;
}

nlohmann::json widths_json(const SmearWidths& w, double scale) {
  return {{"pt", scale * w.pt},
          {"eta", scale * w.eta},
          {"phi", scale * w.phi},
          {"z0", scale * w.z0},
          {"d0", scale * w.d0}};
}

static const char* origin_name(Origin o) {
  switch (o) {
    case Origin::kPrimary:
      return "primary";
    case Origin::kPileup:
      return "pileup";
    case Origin::kFake:
      return "fake";
  }
  return "?";
}

nlohmann::json to_json(const EventStatisticsSummary& s) {
  nlohmann::json eff = nlohmann::json::array();
  for (const EfficiencyBin& b : s.efficiency_vs_pt) {
    eff.push_back({{"pt_lo", b.pt_lo},
                   {"pt_hi", b.pt_hi},
                   {"generated", b.generated},
                   {"reconstructed", b.reconstructed},
                   {"efficiency", b.efficiency},
                   {"error", b.error}});
  }
  nlohmann::json res = nlohmann::json::array();
  for (const ResolutionBin& b : s.z0_resolution_vs_eta) {
    res.push_back({{"abs_eta_lo", b.abs_eta_lo},
                   {"abs_eta_hi", b.abs_eta_hi},
                   {"tracks", b.tracks},
                   {"mean_cm", b.mean_cm},
                   {"rms_cm", b.rms_cm},
                   {"width68_cm", b.width68_cm}});
  }
  nlohmann::json layers = nlohmann::json::array();
  for (const LayerStubBin& l : s.stubs_per_layer) {
    layers.push_back({{"layer", l.layer},
                      {"r_cm", l.r_cm},
                      {"type", l.ps ? "PS" : "2S"},
                      {"crossings", l.crossings},
                      {"stubs", l.stubs},
                      {"stub_fraction", l.stub_fraction},
                      {"rail_lost", l.rail_lost},
                      {"rail_lost_fraction", l.rail_lost_fraction}});
  }
  nlohmann::json quality = nlohmann::json::object();
  for (const QualityByOrigin& q : s.quality) {
    quality[origin_name(q.origin)] = {{"tracks", q.tracks},
                                      {"chi2_rphi_mean", q.chi2_rphi_mean},
                                      {"chi2_rz_mean", q.chi2_rz_mean},
                                      {"bend_chi2_mean", q.bend_chi2_mean},
                                      {"mva_mean", q.mva_mean},
                                      {"mva_histogram", q.mva_histogram}};
  }
  nlohmann::json j = {{"events", s.events},
                      {"level", s.level},
                      {"smear", s.smear},
                      {"smear_mode", std::string(to_string(s.smear_mode))},
                      {"smear_widths", widths_json(s.smear_widths, 1)},
                      {"tracks_per_event_mean", s.tracks_per_event_mean},
                      {"tracks_per_event_rms", s.tracks_per_event_rms},
                      {"pv_tracks_per_event_mean", s.pv_tracks_per_event_mean},
                      {"pileup_tracks_per_event_mean", s.pileup_tracks_per_event_mean},
                      {"fake_tracks_per_event_mean", s.fake_tracks_per_event_mean},
                      {"pv_track_fraction", s.pv_track_fraction},
                      {"fake_fraction", s.fake_fraction},
                      {"efficiency_overall", s.efficiency_overall},
                      {"stubs_per_track_mean", s.stubs_per_track_mean},
                      {"ps_z_incomplete_fraction", s.ps_z_incomplete_fraction},
                      {"stubs_per_layer", layers},
                      {"ps_pixel_hits_rail_lost_fraction", s.ps_pixel_hits_rail_lost_fraction},
                      {"efficiency_vs_pt", eff},
                      {"z0_resolution_vs_eta", res},
                      {"fasthisto_window_cm", s.vertex_window_cm},
                      {"fasthisto_efficiency", s.fasthisto_efficiency},
                      {"fasthisto_resolution_cm", s.fasthisto_resolution_cm},
                      {"quality", quality},
                      {"material_hadrons", s.material_hadrons},
                      {"material_lost", s.material_lost},
                      {"material_lost_fraction", s.material_lost_fraction}};
  if (s.smear_mode == SmearMode::kAdditive) {
    j["smear_step"] = s.smear / kSmearStep;
    j["smear_sigma"] = widths_json(s.smear_widths, s.smear / kSmearStep);
  }
  return j;
}

std::string format_table(const EventStatisticsSummary& s) {
  std::string out;
  char line[160];
  auto add = [&](const char* fmt, auto... args) {
    std::snprintf(line, sizeof line, fmt, args...);
    out += line;
  };
  add("events %llu at level %d (smear %.3f)\n", static_cast<unsigned long long>(s.events), s.level,
      s.smear);
  const SmearWidths& w = s.smear_widths;
  if (s.smear_mode == SmearMode::kAdditive) {
    const double k = s.smear / kSmearStep;
    add("smear additive, step %.3g: sigma pT %.4g GeV, eta %.4g, phi %.4g rad, z0 %.4g cm, "
        "d0 %.4g cm\n",
        k, k * w.pt, k * w.eta, k * w.phi, k * w.z0, k * w.d0);
    add("  (per step: pT %.4g GeV, eta %.4g, phi %.4g rad, z0 %.4g cm, d0 %.4g cm)\n", w.pt, w.eta,
        w.phi, w.z0, w.d0);
  } else {
    add("smear relative: sigma = %.3f |x| on q/R, phi0, tan(lambda), z0, d0\n", s.smear);
  }
  add("tracks per event      %8.1f  (rms %.1f)\n", s.tracks_per_event_mean, s.tracks_per_event_rms);
  add("  primary vertex      %8.1f  (fraction %.4f)\n", s.pv_tracks_per_event_mean,
      s.pv_track_fraction);
  add("  pile-up             %8.1f\n", s.pileup_tracks_per_event_mean);
  add("  fake                %8.1f  (fraction %.4f)\n", s.fake_tracks_per_event_mean,
      s.fake_fraction);
  add("stubs per track       %8.2f  (tracks missing a PS z: %.4f)\n", s.stubs_per_track_mean,
      s.ps_z_incomplete_fraction);
  add("PS pixel hits lost in bias-rail bands: %.4f (the stub with each)\n",
      s.ps_pixel_hits_rail_lost_fraction);
  add("  %-6s %6s %4s %12s %12s %8s %12s %8s\n", "layer", "r [cm]", "type", "crossings", "stubs",
      "share", "rail lost", "share");
  for (const LayerStubBin& l : s.stubs_per_layer) {
    add("  %-6d %6.0f %4s %12llu %12llu %8.4f %12llu %8.4f\n", l.layer, l.r_cm, l.ps ? "PS" : "2S",
        static_cast<unsigned long long>(l.crossings), static_cast<unsigned long long>(l.stubs),
        l.stub_fraction, static_cast<unsigned long long>(l.rail_lost), l.rail_lost_fraction);
  }
  add("FastHisto vertex      efficiency %.4f (within %.2f cm), resolution %.4f cm\n",
      s.fasthisto_efficiency, s.vertex_window_cm, s.fasthisto_resolution_cm);
  add("charged hadrons lost to nuclear interactions: %llu of %llu (%.4f)\n",
      static_cast<unsigned long long>(s.material_lost),
      static_cast<unsigned long long>(s.material_hadrons), s.material_lost_fraction);
  add("\ntrack quality (word values: chi2/dof bin lower edges, MVA 0-7)\n");
  add("  %-8s %9s %9s %9s %9s %6s  %s\n", "origin", "tracks", "chi2 rphi", "chi2 rz", "bend chi2",
      "MVA", "MVA histogram 0..7 (fraction)");
  for (const QualityByOrigin& q : s.quality) {
    add("  %-8s %9llu %9.3f %9.3f %9.3f %6.2f ", origin_name(q.origin),
        static_cast<unsigned long long>(q.tracks), q.chi2_rphi_mean, q.chi2_rz_mean,
        q.bend_chi2_mean, q.mva_mean);
    for (uint64_t h : q.mva_histogram) {
      add(" %.3f", ratio(static_cast<double>(h), static_cast<double>(q.tracks)));
    }
    add("\n");
  }
  add("\ntracking efficiency (all pT: %.4f)\n", s.efficiency_overall);
  add("  %-14s %10s %10s %10s %8s\n", "pT [GeV]", "generated", "tracks", "efficiency", "error");
  for (const EfficiencyBin& b : s.efficiency_vs_pt) {
    char range[32];
    std::snprintf(range, sizeof range, "[%g, %g)", b.pt_lo, b.pt_hi);
    add("  %-14s %10llu %10llu %10.4f %8.4f\n", range, static_cast<unsigned long long>(b.generated),
        static_cast<unsigned long long>(b.reconstructed), b.efficiency, b.error);
  }
  add("\nprimary-track z0 - z_PV by |eta|\n");
  add("  %-14s %10s %10s %10s %10s\n", "|eta|", "tracks", "mean [cm]", "rms [cm]", "w68 [cm]");
  for (const ResolutionBin& b : s.z0_resolution_vs_eta) {
    char range[32];
    std::snprintf(range, sizeof range, "[%g, %g)", b.abs_eta_lo, b.abs_eta_hi);
    add("  %-14s %10llu %10.4f %10.4f %10.4f\n", range, static_cast<unsigned long long>(b.tracks),
        b.mean_cm, b.rms_cm, b.width68_cm);
  }
  return out;
}

}  // namespace l1t::physics
