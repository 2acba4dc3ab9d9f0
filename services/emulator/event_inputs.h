// The emulator's inputs from outside, as the scenario's emulator section names them: hard
// scatters streamed from a HepMC3 file (emulator.hepmc_file) and a pile-up library read from
// another (emulator.hepmc_pileup_file). The live stream, --describe and --export all feed the
// generator through prepare(), so the three see the same events.
#pragma once

#include <string>
#include <vector>

#include "common/config/scenario.h"
#include "common/physics/event_generator.h"
#include "services/emulator/hepmc_hard_scatter.h"

namespace l1t::emulator {

class EventInputs {
 public:
  // Opens the files the settings name (none: the built-in generator alone). False with *error
  // naming the file.
  bool open(const config::EmulatorSettings& settings, const physics::GeneratorConfig& g,
            std::string* error);
  // Gives the generator the next event's hard scatter and the pile-up library. False with the
  // reader's message on a corrupt hard-scatter record (error may be nullptr).
  bool prepare(physics::EventGenerator& generator, std::string* error);
  // prepare() as a physics::PrepareEvent; empty when there is nothing from outside.
  physics::PrepareEvent hook();

  bool external_hard_scatter() const { return !hard_scatter_path_.empty(); }
  // "ttbar" or the file; "minbias" or the file (for logs and JSON).
  std::string hard_scatter_name() const;
  std::string pileup_name() const;
  size_t pileup_interactions() const { return pileup_.size(); }

 private:
  std::string hard_scatter_path_, pileup_path_;
  HepmcHardScatter hard_scatter_source_;
  physics::ExternalHardScatter hard_scatter_;  // the next event's
  std::vector<physics::ExternalHardScatter> pileup_;
};

}  // namespace l1t::emulator
