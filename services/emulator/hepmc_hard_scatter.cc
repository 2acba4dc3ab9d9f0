#include "services/emulator/hepmc_hard_scatter.h"

#include <spdlog/spdlog.h>

namespace l1t::emulator {

physics::ExternalHardScatter to_interaction(const hepmc::SourceEvent& event) {
  physics::ExternalHardScatter out;
  out.vertex_z_cm = event.vertex_z_cm;
  out.particles.reserve(event.particles.size());
  for (const hepmc::SourceParticle& p : event.particles) {
    out.particles.push_back({p.pt, p.eta, p.phi, p.z_cm, p.charge});
  }
  return out;
}

bool HepmcHardScatter::open(const std::string& path, const physics::GeneratorConfig& g,
                            std::string* error) {
  pt_min_ = 0.9 * g.pt_min;  // the tracker model's own early exit
  eta_max_ = g.eta_gen_max;
  return reader_.open(path, error);
}

bool HepmcHardScatter::next(physics::ExternalHardScatter* out, std::string* error) {
  error->clear();
  if (!reader_.next(&event_, error, pt_min_, eta_max_)) {
    if (!error->empty()) return false;
    if (reader_.events_read() == 0) {
      *error = "HepMC3 file '" + reader_.path() + "' holds no event";
      return false;
    }
    ++loops_;
    spdlog::info("emulator: end of HepMC3 file '{}' after {} events: starting it again (loop {})",
                 reader_.path(), reader_.events_read(), loops_);
    if (!reader_.rewind(error) || !reader_.next(&event_, error, pt_min_, eta_max_)) {
      if (error->empty()) *error = "HepMC3 file '" + reader_.path() + "' holds no event";
      return false;
    }
  }
  *out = to_interaction(event_);
  return true;
}

}  // namespace l1t::emulator
