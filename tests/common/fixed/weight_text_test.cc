// weight_text_roundtrip.txt: the decimal text hls4ml writes for a float weight, read back as a
// C++ double literal (strtod) and converted to ap_fixed<16,6>.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "common/fixed/cast.h"
#include "common/fixed/spec.h"

namespace l1t::fixed {
namespace {

TEST(WeightTextGolden, TextAndDirectConversions) {
  const std::string path = std::string(L1T_GOLDEN_DIR) + "/hls4ml/weight_text_roundtrip.txt";
  std::ifstream in(path);
  ASSERT_TRUE(in.good()) << "golden file missing: " << path;
  const Spec t{16, 6};
  int rows = 0;
  int failures = 0;
  int text_differs = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ss(line);
    std::string w_hex, text;
    int64_t via_text = 0, direct = 0;
    ASSERT_TRUE(ss >> w_hex >> text >> via_text >> direct) << line;
    const auto w = static_cast<float>(std::strtod(w_hex.c_str(), nullptr));
    // The text is what Python's '{:.10f}' gives for the float: check we produce it too.
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10f", static_cast<double>(w));
    EXPECT_EQ(text, buf);
    const int64_t got_text = from_double(std::strtod(text.c_str(), nullptr), t);
    const int64_t got_direct = from_double(w, t);
    if ((got_text != via_text || got_direct != direct) && ++failures < 20) {
      ADD_FAILURE() << line << ": via text " << got_text << ", direct " << got_direct;
    }
    text_differs += via_text != direct;
    ++rows;
  }
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(rows, 2000);
  RecordProperty("rows_where_text_changes_the_raw", text_differs);
}

}  // namespace
}  // namespace l1t::fixed
