// The CMS L1 FastHisto primary-vertex finder.
//
// Tracks are histogrammed in z0, each weighted by its (saturated) pT; a window of a few
// adjacent bins slides over the histogram and the window with the largest summed pT holds
// the primary vertex. Ties go to the window at lower z (the first maximum, as a firmware
// comparator chain scanning from the low edge finds it).
//
// Defaults: 256 bins over [-15, 15) cm (0.117 cm, about the central z0 resolution), a
// 3-bin window, tracks with pT < 2 GeV skipped and pT saturated at 128 GeV (the emulator's
// VxMaxTrackPt = 127 with saturating high-pT behaviour, rounded to the 7-bit firmware pT).
// Tracks outside [z_min, z_max) are ignored. (CMS also asks for >= 4 stubs; every L1 track
// of the tracker model has that many, so no stub cut is applied.)
//
// The vertex z is, by default, the pT-weighted mean z0 of the tracks in the winning window:
// CMS's simulation-mode FastHisto, and more precise than a bin centre. Setting
// use_bin_centre gives the firmware emulation's answer, the centre of the window.
#pragma once

#include <span>

#include "common/physics/track.h"

namespace l1t::physics {

struct FastHistoConfig {
  int bins = 256;
  double z_min = -15.0;   // [cm]
  double z_max = 15.0;    // [cm]
  int window = 3;         // bins summed by the sliding window
  double pt_min = 2.0;    // tracks below are skipped [GeV]
  double pt_max = 128.0;  // weight saturates here [GeV]
  bool use_bin_centre = false;
};

struct FastHistoResult {
  double z0 = 0;       // vertex z [cm]; 0 (the beam-spot centre) if no track was usable
  double sum_pt = 0;   // summed weight in the winning window
  bool found = false;  // false if no track entered the histogram
};

FastHistoResult find_vertex(std::span<const Track> tracks, const FastHistoConfig& cfg = {});

// The vertex z alone (0 for an event with no usable track).
inline double find_primary_vertex(std::span<const Track> tracks, const FastHistoConfig& cfg = {}) {
  return find_vertex(tracks, cfg).z0;
}

}  // namespace l1t::physics
