// Charged final-state particles from a HepMC3 ASCII file (the format Pythia, Herwig and
// MadGraph write), in this project's units, so events of a real generator can be passed through
// the same tracker model as the built-in generator's.
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace HepMC3 {
class ReaderAscii;
}

namespace l1t::hepmc {

// One stable charged particle as it leaves the collision.
struct SourceParticle {
  double pt = 0;  // [GeV]
  double eta = 0;
  double phi = 0;   // [rad]
  double z_cm = 0;  // production vertex z [cm], as the generator put it (before any beam spot)
  int charge = 0;   // +-1 (multiply-charged particles are kept with their sign)
  int pdg_id = 0;
};

// One generator event: its charged final state and its signal vertex z.
struct SourceEvent {
  uint64_t number = 0;     // the event number in the file
  double vertex_z_cm = 0;  // z of the first vertex with a position (the hard interaction)
  std::vector<SourceParticle> particles;
};

class HepmcReader {
 public:
  HepmcReader();
  ~HepmcReader();
  HepmcReader(const HepmcReader&) = delete;
  HepmcReader& operator=(const HepmcReader&) = delete;

  // Opens path; false with *error naming the file when it cannot be read.
  bool open(const std::string& path, std::string* error);

  // Reads the next event into *out. False at the end of the file (*error empty), or on a
  // corrupt record or a file cut short (*error says after which event). Particles with |eta| >
  // eta_max or pt < pt_min are dropped here: the tracker would never see them.
  bool next(SourceEvent* out, std::string* error, double pt_min = 0.0, double eta_max = 1e9);

  // Starts again from the first event (pile-up sources are reused in a loop).
  bool rewind(std::string* error);

  const std::string& path() const { return path_; }
  uint64_t events_read() const { return events_read_; }

 private:
  std::string path_;
  std::ifstream stream_;  // ours, so that a failed read can tell a clean end from a bad record
  std::unique_ptr<HepMC3::ReaderAscii> reader_;
  uint64_t events_read_ = 0;
  bool has_footer_ = false;   // the writer's END_EVENT_LISTING line: absent if the file was cut
  std::string checked_path_;  // the file already scanned for lines HepMC3 cannot read safely
};

}  // namespace l1t::hepmc
