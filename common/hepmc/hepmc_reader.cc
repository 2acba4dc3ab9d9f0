#include "common/hepmc/hepmc_reader.h"

#include <HepMC3/GenEvent.h>
#include <HepMC3/GenParticle.h>
#include <HepMC3/GenVertex.h>
#include <HepMC3/ReaderAscii.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "common/hepmc/pdg_charge.h"

namespace l1t::hepmc {
namespace {

// HepMC3 ASCII files start with this line; checking it first turns "some other file" into a
// clear error instead of an empty read.
constexpr char kAsciiHeader[] = "HepMC::Version";
constexpr char kAsciiFooter[] = "HepMC::Asciiv3-END_EVENT_LISTING";

bool looks_like_hepmc3(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    return line.rfind(kAsciiHeader, 0) == 0;
  }
  return false;
}

// Whether the last non-empty line is the writer's footer.
bool ends_with_footer(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  const std::streamoff size = in.tellg();
  const std::streamoff tail = std::min<std::streamoff>(size, 256);
  std::string buf(static_cast<size_t>(tail), '\0');
  in.seekg(size - tail);
  in.read(buf.data(), tail);
  while (!buf.empty() && (buf.back() == '\n' || buf.back() == '\r' || buf.back() == ' ')) {
    buf.pop_back();
  }
  const size_t nl = buf.find_last_of('\n');
  return buf.substr(nl == std::string::npos ? 0 : nl + 1) == kAsciiFooter;
}

// HepMC3 3.1's ASCII reader copies an attribute's name into a fixed buffer of its own (a stack
// overflow, found by tests/fuzz/hepmc_fuzz.cc): an attribute line whose leading fields are
// longer than any generator writes is refused before HepMC3 reads the file. Returns the number
// of the first such line, else 0.
constexpr size_t kMaxAttributeField = 63;

uint64_t first_unsafe_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  for (uint64_t n = 1; std::getline(in, line); ++n) {
    if (line.size() < 2 || (line[0] != 'A' && line[0] != 'T') || line[1] != ' ') continue;
    // A id name value / A name value / T name version description: the fields before the value.
    size_t pos = 2;
    for (int field = 0; field < 3 && pos < line.size(); ++field) {
      const size_t end = std::min(line.find(' ', pos), line.size());
      if (end - pos > kMaxAttributeField) return n;
      pos = end + 1;
    }
  }
  return 0;
}

}  // namespace

HepmcReader::HepmcReader() = default;
HepmcReader::~HepmcReader() = default;

bool HepmcReader::open(const std::string& path, std::string* error) {
  path_ = path;
  events_read_ = 0;
  reader_.reset();
  if (!std::filesystem::is_regular_file(path)) {
    *error = "HepMC3 file " + path + " does not exist or is not a file";
    return false;
  }
  if (!looks_like_hepmc3(path)) {
    *error = "HepMC3 file " + path + " is not HepMC3 ASCII (no '" + kAsciiHeader + "' header)";
    return false;
  }
  // Once per file: pile-up sources are rewound (reopened) again and again.
  if (checked_path_ != path) {
    if (const uint64_t line = first_unsafe_line(path); line > 0) {
      *error = "HepMC3 file " + path + ": line " + std::to_string(line) +
               " holds an attribute field longer than " + std::to_string(kMaxAttributeField) +
               " characters, which HepMC3's reader does not read safely";
      return false;
    }
    checked_path_ = path;
  }
  has_footer_ = ends_with_footer(path);
  stream_ = std::ifstream(path);
  reader_ = std::make_unique<HepMC3::ReaderAscii>(stream_);
  if (reader_->failed()) {
    *error = "HepMC3 file " + path + " cannot be read";
    reader_.reset();
    return false;
  }
  return true;
}

bool HepmcReader::rewind(std::string* error) { return open(path_, error); }

bool HepmcReader::next(SourceEvent* out, std::string* error, double pt_min, double eta_max) {
  error->clear();
  if (!reader_) {
    *error = "HepMC3 reader is not open (or already failed): " + path_;
    return false;
  }
  HepMC3::GenEvent event;
  // HepMC3's ASCII reader throws on some malformed records (std::stoi on a field that is not a
  // number, found by tests/fuzz/hepmc_fuzz.cc): a corrupt record, like those it reports.
  bool read = false;
  try {
    read = reader_->read_event(event);
  } catch (const std::exception& e) {
    *error = path_ + ": the record after event #" + std::to_string(events_read_) + " is corrupt (" +
             e.what() + "); reading stopped there";
    reader_.reset();
    return false;
  }
  // read_event fails both at a clean end and on a bad record (HepMC3 then logs and returns an
  // empty event): unread input left, or no footer, means the file is not whole.
  if (!read || (reader_->failed() && event.particles().empty())) {
    stream_.peek();
    if (!has_footer_) {
      *error = path_ + ": the file is cut short (no END_EVENT_LISTING line); " +
               std::to_string(events_read_) + " events read";
    } else if (!stream_.eof()) {
      *error = path_ + ": the record after event #" + std::to_string(events_read_) +
               " is corrupt; reading stopped there";
    }
    reader_.reset();  // no further reads until rewind()
    return false;
  }
  const double to_gev = event.momentum_unit() == HepMC3::Units::MEV ? 1e-3 : 1.0;
  const double to_cm = event.length_unit() == HepMC3::Units::MM ? 0.1 : 1.0;
  out->number = static_cast<uint64_t>(std::max(event.event_number(), 0));
  out->vertex_z_cm = 0;
  for (const auto& v : event.vertices()) {
    if (v->has_set_position()) {
      out->vertex_z_cm = v->position().z() * to_cm;
      break;
    }
  }
  out->particles.clear();
  for (const auto& p : event.particles()) {
    if (p->status() != 1) continue;
    const int three = three_charge(p->pid());
    if (three == 0 || three % 3 != 0) continue;
    const auto& m = p->momentum();
    const double pt = m.pt() * to_gev;
    if (!(pt > 0) || pt < pt_min) continue;
    const double eta = m.eta();
    if (!std::isfinite(eta) || std::abs(eta) > eta_max) continue;
    SourceParticle s;
    s.pt = pt;
    s.eta = eta;
    s.phi = m.phi();
    const auto v = p->production_vertex();
    s.z_cm = v ? v->position().z() * to_cm : out->vertex_z_cm;
    s.charge = three / 3;
    s.pdg_id = p->pid();
    out->particles.push_back(s);
  }
  ++events_read_;
  return true;
}

}  // namespace l1t::hepmc
