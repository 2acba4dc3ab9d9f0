// hls4ml weight text of any bytes: the input split at each zero byte into w2.txt, b2.txt,
// w4.txt, b4.txt, w6.txt, b6.txt (the files of a three-layer export), then imported with the
// sizes inferred and with the product's {5, 25, 30, 1}. An error naming the file, never a crash.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/nn/hls4ml/hls4ml_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string dir = [] {
    const std::string d = "/tmp/l1t-hls4ml-fuzz-" + std::to_string(::getpid());
    std::filesystem::create_directories(d);
    return d;
  }();
  static const char* names[] = {"w2.txt", "b2.txt", "w4.txt", "b4.txt", "w6.txt", "b6.txt"};
  const std::string text(reinterpret_cast<const char*>(data), size);
  size_t from = 0;
  for (const char* name : names) {
    // The rest of the input up to the next zero byte; empty once the input is used up.
    const size_t start = std::min(from, text.size());
    const size_t end = std::min(text.find('\0', start), text.size());
    std::ofstream(dir + "/" + name, std::ios::trunc) << text.substr(start, end - start);
    from = end + 1;
  }
  for (bool inferred : {true, false}) {
    l1t::nn::Hls4mlImportOptions options;
    if (!inferred) options.sizes = {5, 25, 30, 1};
    l1t::nn::FixedModel model;
    l1t::nn::Hls4mlImportReport report;
    std::string error;
    (void)l1t::nn::import_hls4ml(dir, options, &model, &report, &error);
  }
  return 0;
}
