// The emulator's pile-up library from a HepMC3 ASCII file of minimum-bias events
// (--hepmc-pileup / emulator.hepmc_pileup_file): every file event becomes one interaction the
// generator can draw for a pile-up vertex. Read whole at start, so a bad record stops the
// emulator before its first event rather than in the middle of a run, and the library can be
// sampled at random. Only particles the tracker could see are kept (a few per interaction),
// but every event is kept, also those with none: they are part of the cross-section.
#pragma once

#include <string>
#include <vector>

#include "common/physics/event_generator.h"

namespace l1t::emulator {

// False with *error naming the file: unreadable, a corrupt record, or no event at all.
bool load_pileup_library(const std::string& path, const physics::GeneratorConfig& g,
                         std::vector<physics::ExternalHardScatter>* library, std::string* error);

}  // namespace l1t::emulator
