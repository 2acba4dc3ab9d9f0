// The emulator's hard scatters from a HepMC3 ASCII file (--hepmc / emulator.hepmc_file): one
// file event per bunch crossing, its charged final state in the generator's form, looping
// over the file at its end (logged: the same hard scatters then come again with new pile-up).
#pragma once

#include <string>

#include "common/hepmc/hepmc_reader.h"
#include "common/physics/event_generator.h"

namespace l1t::emulator {

// A file event in the generator's form: particles with their charge and production z.
physics::ExternalHardScatter to_interaction(const hepmc::SourceEvent& event);

class HepmcHardScatter {
 public:
  // Opens path; particles the tracker could never see (pT < 0.9 pt_min, |eta| > eta_gen_max)
  // are dropped on reading. False with *error naming the file.
  bool open(const std::string& path, const physics::GeneratorConfig& g, std::string* error);
  // The next file event into *out; at the end rewinds once. False with the reader's message on
  // a corrupt record, or when the file holds no event at all.
  bool next(physics::ExternalHardScatter* out, std::string* error);
  uint64_t loops() const { return loops_; }
  const std::string& path() const { return reader_.path(); }

 private:
  hepmc::HepmcReader reader_;
  hepmc::SourceEvent event_;
  double pt_min_ = 0, eta_max_ = 1e9;
  uint64_t loops_ = 0;
};

}  // namespace l1t::emulator
