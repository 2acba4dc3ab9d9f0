// Scenario and timeline YAML of any text, with an override: a clear error or a scenario, never a
// crash (yaml-cpp throws; the reader must catch everything).
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/config/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  l1t::config::Scenario scenario;
  std::string error;
  (void)l1t::config::parse_scenario(text, {}, &scenario, &error);
  // The same bytes as an override's value.
  l1t::config::Scenario with_override;
  (void)l1t::config::parse_scenario("name: fuzz\n", {"model.precision=" + text}, &with_override,
                                    &error);
  return 0;
}
