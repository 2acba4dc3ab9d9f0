#include "services/emulator/event_inputs.h"

#include "services/emulator/hepmc_pileup_library.h"

namespace l1t::emulator {

bool EventInputs::open(const config::EmulatorSettings& settings, const physics::GeneratorConfig& g,
                       std::string* error) {
  hard_scatter_path_ = settings.hepmc_file;
  pileup_path_ = settings.hepmc_pileup_file;
  if (!hard_scatter_path_.empty() && !hard_scatter_source_.open(hard_scatter_path_, g, error)) {
    return false;
  }
  pileup_.clear();
  return pileup_path_.empty() || load_pileup_library(pileup_path_, g, &pileup_, error);
}

bool EventInputs::prepare(physics::EventGenerator& generator, std::string* error) {
  generator.set_pileup_library(pileup_.empty() ? nullptr : &pileup_);
  if (hard_scatter_path_.empty()) return true;
  std::string message;
  if (!hard_scatter_source_.next(&hard_scatter_, &message)) {
    if (error) *error = message;
    return false;
  }
  generator.set_hard_scatter(&hard_scatter_);
  return true;
}

physics::PrepareEvent EventInputs::hook() {
  if (hard_scatter_path_.empty() && pileup_path_.empty()) return {};
  return [this](physics::EventGenerator& g, std::string* error) { return prepare(g, error); };
}

std::string EventInputs::hard_scatter_name() const {
  return hard_scatter_path_.empty() ? "ttbar" : hard_scatter_path_;
}

std::string EventInputs::pileup_name() const {
  return pileup_path_.empty() ? "minbias" : pileup_path_;
}

}  // namespace l1t::emulator
