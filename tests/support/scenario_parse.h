// Parsing a scenario from YAML text in tests: the result when it must parse, the message when
// it must not.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/config/scenario.h"

namespace l1t::config::testing {

inline Scenario parse_ok(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  Scenario s;
  std::string error;
  EXPECT_TRUE(parse_scenario(yaml, overrides, &s, &error)) << error;
  return s;
}

inline std::string parse_error(const std::string& yaml,
                               const std::vector<std::string>& overrides = {}) {
  Scenario s;
  std::string error;
  EXPECT_FALSE(parse_scenario(yaml, overrides, &s, &error)) << "accepted: " << yaml;
  return error;
}

}  // namespace l1t::config::testing
