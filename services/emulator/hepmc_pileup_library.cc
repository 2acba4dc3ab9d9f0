#include "services/emulator/hepmc_pileup_library.h"

#include "common/hepmc/hepmc_reader.h"
#include "services/emulator/hepmc_hard_scatter.h"

namespace l1t::emulator {

bool load_pileup_library(const std::string& path, const physics::GeneratorConfig& g,
                         std::vector<physics::ExternalHardScatter>* library, std::string* error) {
  hepmc::HepmcReader reader;
  if (!reader.open(path, error)) return false;
  library->clear();
  hepmc::SourceEvent event;
  error->clear();
  // The tracker model's own early exit, as for hard scatters.
  while (reader.next(&event, error, 0.9 * g.pt_min, g.eta_gen_max)) {
    library->push_back(to_interaction(event));
  }
  if (!error->empty()) return false;
  if (library->empty()) {
    *error = "HepMC3 pile-up file '" + path + "' holds no event";
    return false;
  }
  return true;
}

}  // namespace l1t::emulator
