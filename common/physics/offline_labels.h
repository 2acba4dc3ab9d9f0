// Labels as offline reconstruction gives them, not as the generator knows them: every real track
// is re-measured in z at offline resolution (the seed study's labels came from the simulation's
// truth; a running experiment has only its reconstruction), the primary vertex is the window of
// largest sum pT^2 of those measurements, and a track is labelled primary when it is within
// association_sigmas of its own resolution of that vertex. So pile-up tracks next to the vertex
// are labelled primary, far primary tracks at low pT are lost, and in an event whose hardest
// vertex is a pile-up one (minimum bias, mostly) the whole label set is wrong, as offline's is.
// Fakes (no true z) have no offline counterpart and are labelled pile-up.
//
// The resolution is the usual two-term form, sigma(z0) = a (+) b / (pT sin^(3/2) theta), with
// a and b near the CMS Phase-2 inner tracker's; pT and theta are the L1 track's (the labeller
// has nothing else), which only weights the vertex and sets each track's window.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "common/physics/track.h"

namespace l1t::physics {

struct OfflineReconstruction {
  double z0_resolution_cm = 0.0015;     // a: the high-pT limit
  double z0_scattering_cm_gev = 0.010;  // b: multiple scattering at 1 GeV, normal incidence
  double vertex_window_cm = 0.03;       // half-width of the window summing pT^2
  double association_sigmas = 3;        // a track is primary within this many sigma(z0)
  double max_pt_gev = 200;              // pT above this weighs as this (mismeasured tracks)
};

struct OfflineVertex {
  double z_cm = 0;
  size_t tracks = 0;  // associated (labelled primary)
};

// sigma(z0) offline for a track of this pT and eta.
double offline_z0_resolution(const OfflineReconstruction& r, double pt, double eta);

// Labels (1 primary, 0 not) for tracks with their true production z (NaN for fakes), calling
// normal() (a standard normal) once per real track, in track order. true_z0 must have one entry
// per track.
OfflineVertex offline_labels(const OfflineReconstruction& r, const std::vector<Track>& tracks,
                             std::span<const float> true_z0, const std::function<double()>& normal,
                             std::vector<uint8_t>* labels);

}  // namespace l1t::physics
