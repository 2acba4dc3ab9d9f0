#include "common/hepmc/pdg_charge.h"

#include <cstdlib>

namespace l1t::hepmc {
namespace {

// 3 x charge of the fundamental codes 1..25: quarks, leptons, gauge and Higgs bosons.
constexpr int kFundamental[25] = {-1, 2, -1, 2, -1, 2, -1, 2, 0, 0,  // 1-10: d u s c b t b' t'
                                  -3, 0, -3, 0, -3, 0, -3, 0, 0, 0,  // 11-20: leptons
                                  0,  0, 0,  3, 0};                  // 21-25: g gamma Z W+ h

int quark(int digit) { return digit >= 1 && digit <= 8 ? kFundamental[digit - 1] : 0; }

}  // namespace

int three_charge(int pdg_id) {
  const int id = std::abs(pdg_id);
  int charge = 0;
  if (id == 0) return 0;
  if (id >= 1000000000) {
    charge = 3 * ((id / 10000) % 1000);  // nucleus 10LZZZAAAI
  } else if (id <= 25) {
    charge = kFundamental[id - 1];
  } else if (id < 100) {
    return 0;  // generator-specific codes (clusters, strings, diquark remnants)
  } else {
    const int q1 = (id / 1000) % 10, q2 = (id / 100) % 10, q3 = (id / 10) % 10;
    if (q1 == 0) {
      // Meson q2 q3-bar; for down-type heavy quarks (s, b) the code carries the antiquark first.
      charge = (q2 == 3 || q2 == 5) ? quark(q3) - quark(q2) : quark(q2) - quark(q3);
    } else if (q3 == 0) {
      charge = quark(q1) + quark(q2);  // diquark
    } else {
      charge = quark(q1) + quark(q2) + quark(q3);  // baryon
    }
  }
  return pdg_id < 0 ? -charge : charge;
}

}  // namespace l1t::hepmc
