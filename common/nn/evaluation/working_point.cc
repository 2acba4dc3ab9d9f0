#include "common/nn/evaluation/working_point.h"

#include <algorithm>

namespace l1t::nn {
namespace {

double share(uint64_t part, uint64_t all) {
  return all == 0 ? std::numeric_limits<double>::quiet_NaN()
                  : static_cast<double>(part) / static_cast<double>(all);
}

}  // namespace

WorkingPoint working_point_at(const HistogramAuc& h, int bin) {
  WorkingPoint w;
  w.bin = std::clamp(bin, 0, h.bins() - 1);
  w.threshold = h.bin_low_edge(w.bin);
  uint64_t pos = 0, neg = 0;
  for (int b = w.bin; b < h.bins(); ++b) {
    pos += h.positive_counts()[static_cast<size_t>(b)];
    neg += h.negative_counts()[static_cast<size_t>(b)];
  }
  w.efficiency = share(pos, h.positives());
  w.negative_acceptance = share(neg, h.negatives());
  return w;
}

WorkingPoint working_point_for_acceptance(const HistogramAuc& h, double acceptance) {
  // Walk down from the top bin while the negatives accepted stay within the target.
  const double allowed = acceptance * static_cast<double>(h.negatives());
  uint64_t neg = 0;
  int bin = h.bins();
  for (int b = h.bins() - 1; b >= 0; --b) {
    neg += h.negative_counts()[static_cast<size_t>(b)];
    if (static_cast<double>(neg) > allowed) break;
    bin = b;
  }
  return working_point_at(h, bin == h.bins() ? h.bins() - 1 : bin);
}

}  // namespace l1t::nn
