// A capture file of any bytes: the reader finds every good record, reports the damage and never
// reads outside the file.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "common/capture/capture_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/l1t-capture-fuzz-" + std::to_string(::getpid());
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  l1t::capture::CaptureReader reader;
  std::string error, topic, payload;
  if (!reader.open(path, &error)) return 0;
  for (int i = 0; i < 100000 && reader.next(&topic, &payload); ++i) {
  }
  (void)reader.take_damage();
  return 0;
}
