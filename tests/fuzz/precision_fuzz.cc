// Precision strings (ap_fixed<W,I,...>) and layer-size lists of any text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/fixed/spec.h"
#include "common/nn/hls4ml/hls4ml_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  l1t::fixed::Spec spec;
  std::string error;
  (void)l1t::fixed::parse_spec(text, &spec, &error);
  std::vector<int> sizes;
  (void)l1t::nn::parse_layer_sizes(text, &sizes, &error);
  return 0;
}
