// A trigger's working point on a score histogram: of the tracks scored at or above a threshold,
// the share of positives kept (for track-to-vertex association, the PV-track efficiency) and
// of negatives accepted (the pile-up acceptance). Trigger physicists compare models at a fixed
// pile-up acceptance (the ROC at a low false-positive rate), not by accuracy at 0.5.
#pragma once

#include <limits>

#include "common/nn/evaluation/classification_metrics.h"

namespace l1t::nn {

struct WorkingPoint {
  int bin = 0;  // tracks in bins >= bin are accepted
  double threshold = std::numeric_limits<double>::quiet_NaN();   // the bin's lower edge
  double efficiency = std::numeric_limits<double>::quiet_NaN();  // positives accepted / all
  double negative_acceptance = std::numeric_limits<double>::quiet_NaN();  // negatives, likewise
};

// The point of h at a threshold bin fixed elsewhere (NaN shares when a class is absent).
WorkingPoint working_point_at(const HistogramAuc& h, int bin);

// The lowest threshold at which at most `acceptance` of h's negatives are accepted: scores are
// discrete (2^-10 steps for the fixed-point sigmoid), so the acceptance met is at or below the
// target. With no negatives, the lowest bin.
WorkingPoint working_point_for_acceptance(const HistogramAuc& h, double acceptance);

}  // namespace l1t::nn
