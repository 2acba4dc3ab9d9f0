// The golden hls4ml network (../shared/golden/hls4ml/mlp_*.txt, computed with the real ap_fixed
// headers and nnet_utils) through the real binary: import its weights from text files, then
// `predict --layers` must give every intermediate of every case exactly.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/services/model/model_tool_support.h"

namespace l1t::model_tool {
namespace {

using namespace testing;

// A golden line: whitespace-separated integers in groups split by '|'.
std::vector<std::vector<int64_t>> groups(const std::string& line) {
  std::vector<std::vector<int64_t>> out(1);
  std::istringstream ss(line);
  for (std::string tok; ss >> tok;) {
    if (tok == "|") {
      out.emplace_back();
    } else {
      out.back().push_back(std::stoll(tok));
    }
  }
  return out;
}

std::vector<std::string> data_lines(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "golden file missing: " << path;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#') lines.push_back(line);
  }
  return lines;
}

// ap_fixed<16,6> raws as decimal text, written here independently of the tool's own formatter:
// raw / 1024 has at most 10 decimals, so "%.10f" of the (exact) double is exact.
std::string as_text(const std::vector<int64_t>& raws, const char* separator) {
  std::string s;
  char buf[64];
  for (size_t i = 0; i < raws.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%.10f", static_cast<double>(raws[i]) / 1024.0);
    s += (i > 0 ? separator : "") + std::string(buf);
  }
  return s;
}

std::vector<int64_t> csv_ints(const std::string& line) {
  std::vector<int64_t> v;
  std::istringstream ss(line);
  for (std::string cell; std::getline(ss, cell, ',');) v.push_back(std::stoll(cell));
  return v;
}

class GoldenPredictTest : public ::testing::TestWithParam<int> {};

TEST_P(GoldenPredictTest, ImportedWeightsReproduceEveryIntermediate) {
  const int set = GetParam();
  const std::string golden = std::string(L1T_GOLDEN_DIR) + "/hls4ml/";
  std::vector<std::vector<int64_t>> weights;
  for (const auto& line : data_lines(golden + "mlp_weights.txt")) {
    auto g = groups(line);
    // "set w1 | b1 | w2 | b2 | w3 | b3": the set number leads the first group.
    if (g[0][0] != set) continue;
    g[0].erase(g[0].begin());
    weights = g;
  }
  ASSERT_EQ(weights.size(), 6u);

  const TempDir tmp("golden" + std::to_string(set));
  const std::string& dir = tmp.path;
  const char* names[] = {"w2", "b2", "w4", "b4", "w6", "b6"};
  for (int i = 0; i < 6; ++i) {
    write_text(dir + "/prj/weights/" + names[i] + ".txt", as_text(weights[i], ", "));
  }
  // The golden network is hls4ml's default: every type ap_fixed<16,6>, accumulator included.
  const RunResult imported = run_tool(
      {"import-hls4ml", dir + "/prj", "--precision", "ap_fixed<16,6>", "--out", dir + "/golden.pb"},
      dir);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.out.find("0 rounded, 0 out of range"), std::string::npos) << imported.out;

  std::vector<std::vector<std::vector<int64_t>>> cases;
  std::string csv = "pt,eta,phi,z0,dz\n";
  for (const auto& line : data_lines(golden + "mlp_cases.txt")) {
    auto g = groups(line);
    if (g[0][0] != set) continue;
    g[0].erase(g[0].begin(), g[0].begin() + 2);  // set, case
    csv += as_text(g[0], ",") + "\n";
    cases.push_back(g);
  }
  ASSERT_EQ(cases.size(), 200u);
  write_text(dir + "/inputs.csv", csv);

  const RunResult predicted =
      run_tool({"predict", dir + "/golden.pb", "--input", dir + "/inputs.csv", "--layers"}, dir);
  ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
  std::istringstream out(predicted.out);
  std::string header;
  ASSERT_TRUE(std::getline(out, header));
  EXPECT_EQ(header.rfind("row,x0_raw", 0), 0u) << header;
  int mismatches = 0;
  for (size_t c = 0; c < cases.size(); ++c) {
    std::string line;
    ASSERT_TRUE(std::getline(out, line)) << "missing row " << c;
    const auto cells = csv_ints(line.substr(0, line.rfind(',')));  // drop the decimal output
    // Expected: row, x[5], d1[25], r1[25], d2[30], r2[30], d3[1], sig[1], then sig again as
    // out0_raw.
    std::vector<int64_t> expected{static_cast<int64_t>(c)};
    for (const auto& g : cases[c]) expected.insert(expected.end(), g.begin(), g.end());
    expected.push_back(cases[c].back()[0]);
    if (cells != expected && ++mismatches <= 3) {
      ADD_FAILURE() << "set " << set << " case " << c << "\n got: " << line;
    }
  }
  EXPECT_EQ(mismatches, 0);
  std::string extra;
  EXPECT_FALSE(std::getline(out, extra)) << "unexpected output: " << extra;
}

INSTANTIATE_TEST_SUITE_P(AllWeightSets, GoldenPredictTest, ::testing::Values(0, 1, 2, 3, 4));

}  // namespace
}  // namespace l1t::model_tool
