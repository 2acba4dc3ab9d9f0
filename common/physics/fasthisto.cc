#include "common/physics/fasthisto.h"

#include <algorithm>
#include <cmath>

namespace l1t::physics {
namespace {

constexpr int kMaxBins = 4096;  // a stack histogram: no allocation per event

}  // namespace

FastHistoResult find_vertex(std::span<const Track> tracks, const FastHistoConfig& cfg) {
  FastHistoResult r;
  const int bins = std::clamp(cfg.bins, 1, kMaxBins);
  const int window = std::clamp(cfg.window, 1, bins);
  if (!(cfg.z_max > cfg.z_min)) return r;
  const double inv_width = bins / (cfg.z_max - cfg.z_min);

  double hist[kMaxBins];
  std::fill_n(hist, bins, 0.0);
  for (const Track& t : tracks) {
    const double pt = t.pt();
    if (!(pt >= cfg.pt_min)) continue;
    const double x = (t.z0 - cfg.z_min) * inv_width;
    if (!(x >= 0 && x < bins)) continue;
    hist[static_cast<int>(x)] += std::min(pt, cfg.pt_max);
    r.found = true;
  }
  if (!r.found) return r;

  // Sliding window, each sum formed afresh (as the firmware adder tree does) so that no
  // rounding drift decides between near-equal windows; strict '>' keeps the first maximum.
  double best = -1;
  int best_start = 0;
  for (int s = 0; s + window <= bins; ++s) {
    double sum = 0;
    for (int b = s; b < s + window; ++b) sum += hist[b];
    if (sum > best) {
      best = sum;
      best_start = s;
    }
  }
  r.sum_pt = best;
  const double width = 1.0 / inv_width;
  const double lo = cfg.z_min + best_start * width;
  const double hi = lo + window * width;
  if (cfg.use_bin_centre) {
    r.z0 = 0.5 * (lo + hi);
    return r;
  }
  // pT-weighted mean of the window's tracks (same selection and binning as the histogram).
  double wz = 0, w = 0;
  for (const Track& t : tracks) {
    const double pt = t.pt();
    if (!(pt >= cfg.pt_min)) continue;
    const double x = (t.z0 - cfg.z_min) * inv_width;
    if (!(x >= best_start && x < best_start + window)) continue;
    const double wt = std::min(pt, cfg.pt_max);
    wz += wt * t.z0;
    w += wt;
  }
  r.z0 = w > 0 ? wz / w : 0.5 * (lo + hi);
  return r;
}

}  // namespace l1t::physics
