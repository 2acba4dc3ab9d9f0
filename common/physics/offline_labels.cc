#include "common/physics/offline_labels.h"

#include <algorithm>
#include <cmath>

namespace l1t::physics {

double offline_z0_resolution(const OfflineReconstruction& r, double pt, double eta) {
  const double sin_theta = 1.0 / std::cosh(eta);
  const double ms = r.z0_scattering_cm_gev / (std::max(pt, 0.1) * std::pow(sin_theta, 1.5));
  return std::hypot(r.z0_resolution_cm, ms);
}

OfflineVertex offline_labels(const OfflineReconstruction& r, const std::vector<Track>& tracks,
                             std::span<const float> true_z0, const std::function<double()>& normal,
                             std::vector<uint8_t>* labels) {
  struct Measured {
    double z, sigma, weight;
    size_t track;
  };
  std::vector<Measured> m;
  m.reserve(tracks.size());
  for (size_t t = 0; t < tracks.size(); ++t) {
    if (!std::isfinite(true_z0[t])) continue;
    const double pt = tracks[t].pt(), sigma = offline_z0_resolution(r, pt, tracks[t].eta());
    const double w = std::min(pt, r.max_pt_gev);
    m.push_back({true_z0[t] + sigma * normal(), sigma, w * w, t});
  }
  labels->assign(tracks.size(), 0);
  OfflineVertex v;
  if (m.empty()) return v;
  std::sort(m.begin(), m.end(), [](const Measured& a, const Measured& b) { return a.z < b.z; });
  // The window [z_i - w, z_i + w] of largest sum pT^2, by two pointers over the sorted z.
  double best = -1, sum = 0;
  size_t lo = 0, hi = 0, best_lo = 0, best_hi = 0;
  for (size_t i = 0; i < m.size(); ++i) {
    while (hi < m.size() && m[hi].z <= m[i].z + r.vertex_window_cm) sum += m[hi++].weight;
    while (m[lo].z < m[i].z - r.vertex_window_cm) sum -= m[lo++].weight;
    if (sum > best) {
      best = sum;
      best_lo = lo;
      best_hi = hi;
    }
  }
  // The vertex: the tracks of that window, each by its resolution.
  double sw = 0, swz = 0;
  for (size_t k = best_lo; k < best_hi; ++k) {
    const double w = 1 / (m[k].sigma * m[k].sigma);
    sw += w;
    swz += w * m[k].z;
  }
  v.z_cm = swz / sw;
  for (const Measured& x : m) {
    if (std::abs(x.z - v.z_cm) < r.association_sigmas * x.sigma) {
      (*labels)[x.track] = 1;
      ++v.tracks;
    }
  }
  return v;
}

}  // namespace l1t::physics
