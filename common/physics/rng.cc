#include "common/physics/rng.h"

#include <cmath>

namespace l1t::physics {
namespace {

// Ziggurat tables: x[i] are the layer edges (x[0] = V/f(R) for the base layer, x[1] = R,
// x[128] = 0), ratio[i] = x[i+1]/x[i] is the fraction of layer i inside the curve.
constexpr int kZigLayers = 128;
constexpr double kZigR = 3.442619855899;       // start of the tail
constexpr double kZigV = 9.91256303526217e-3;  // area of each layer

struct Ziggurat {
  double x[kZigLayers + 1];
  double ratio[kZigLayers];
  Ziggurat() {
    double f = std::exp(-0.5 * kZigR * kZigR);
    x[0] = kZigV / f;
    x[1] = kZigR;
    x[kZigLayers] = 0;
    for (int i = 2; i < kZigLayers; ++i) {
      x[i] = std::sqrt(-2 * std::log(kZigV / x[i - 1] + f));
      f = std::exp(-0.5 * x[i] * x[i]);
    }
    for (int i = 0; i < kZigLayers; ++i) ratio[i] = x[i + 1] / x[i];
  }
};

const Ziggurat& ziggurat() {
  static const Ziggurat z;
  return z;
}

// The normal tail beyond r (Marsaglia 1964).
double normal_tail(Rng& rng, double r, bool negative) {
  double x, y;
  do {
    x = std::log(1.0 - uniform01(rng)) / r;
    y = std::log(1.0 - uniform01(rng));
  } while (-2 * y < x * x);
  return negative ? x - r : r - x;
}

}  // namespace

double gauss(Rng& rng) {
  const Ziggurat& z = ziggurat();
  for (;;) {
    // One draw: the low 7 bits pick the layer, the top 53 bits give u in [-1, 1).
    const uint64_t bits = rng();
    const int i = static_cast<int>(bits & (kZigLayers - 1));
    const double u = 2 * (static_cast<double>(bits >> 11) * 0x1.0p-53) - 1;
    if (std::abs(u) < z.ratio[i]) return u * z.x[i];  // inside the layer's rectangle
    if (i == 0) return normal_tail(rng, kZigR, u < 0);
    // The wedge between the rectangle and the curve.
    const double x = u * z.x[i];
    const double f0 = std::exp(-0.5 * (z.x[i] * z.x[i] - x * x));
    const double f1 = std::exp(-0.5 * (z.x[i + 1] * z.x[i + 1] - x * x));
    if (f1 + uniform01(rng) * (f0 - f1) < 1.0) return x;
  }
}

int poisson(Rng& rng, double mean) {
  if (!(mean > 0)) return 0;
  if (mean < 10) return poisson_small(rng, std::exp(-mean));
  // W. Hoermann, "The transformed rejection method for generating Poisson random variables",
  // Insurance: Mathematics and Economics 12 (1993) 39.
  const double slam = std::sqrt(mean);
  const double loglam = std::log(mean);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const double u = uniform01(rng) - 0.5;
    const double v = uniform01(rng);
    const double us = 0.5 - std::abs(u);
    const double k = std::floor((2 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<int>(k);
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <=
        -mean + k * loglam - std::lgamma(k + 1)) {
      return static_cast<int>(k);
    }
  }
}

}  // namespace l1t::physics
