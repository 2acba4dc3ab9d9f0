// Reads a file of ../shared/golden/hls4ml/ as rows of integers, as the golden tests need them.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace l1t::testing {

// Data rows as integers ('#' lines and '|' separators dropped). Fails the calling test fatally
// if the file is missing or holds no data: a golden test never passes on nothing.
inline void read_golden_rows(const std::string& name, std::vector<std::vector<int64_t>>* rows) {
  const std::string path = std::string(L1T_GOLDEN_DIR) + "/hls4ml/" + name;
  std::ifstream in(path);
  ASSERT_TRUE(in.good()) << "golden file missing: " << path;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ss(line);
    std::vector<int64_t> row;
    for (std::string tok; ss >> tok;) {
      if (tok != "|") row.push_back(std::stoll(tok));
    }
    rows->push_back(std::move(row));
  }
  ASSERT_FALSE(rows->empty()) << "golden file has no data: " << path;
}

}  // namespace l1t::testing
