// A HepMC3 ASCII file of any bytes through the reader the emulator uses for generator input:
// events, or an error naming the file and the event, never a crash (HepMC3 itself included).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "common/hepmc/hepmc_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/l1t-hepmc-fuzz-" + std::to_string(::getpid()) + ".hepmc";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  l1t::hepmc::HepmcReader reader;
  std::string error;
  if (!reader.open(path, &error)) return 0;
  l1t::hepmc::SourceEvent event;
  for (int i = 0; i < 1000 && reader.next(&event, &error); ++i) {
  }
  return 0;
}
