// Electric charge of a particle from its PDG Monte Carlo number, as the PDG numbering scheme
// encodes it (quark content of mesons and baryons, Z of nuclei), so any generator's output can be
// filtered for charged particles without a particle table.
#pragma once

namespace l1t::hepmc {

// Three times the charge (quarks have thirds): pi+ 211 -> 3, d 1 -> -1, proton 2212 -> 3.
// Unknown or exotic codes give 0 (treated as neutral, so never tracked).
int three_charge(int pdg_id);

}  // namespace l1t::hepmc
