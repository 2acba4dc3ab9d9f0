// Every conversion in the conv_* golden files (Xilinx's ap_fixed headers) reproduced exactly.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/fixed/cast.h"
#include "common/fixed/spec.h"

namespace l1t::fixed {
namespace {

struct GoldenFile {
  std::vector<std::string> comments;           // '#' lines, without the '#'
  std::vector<std::vector<std::string>> rows;  // whitespace tokens, '|' dropped
};

// Fails the calling test (fatally) if the file is missing: golden data is never optional.
void read_golden(const std::string& name, GoldenFile* out) {
  const std::string path = std::string(L1T_GOLDEN_DIR) + "/hls4ml/" + name;
  std::ifstream in(path);
  ASSERT_TRUE(in.good()) << "golden file missing: " << path;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line[0] == '#') {
      out->comments.push_back(line.substr(1));
      continue;
    }
    std::istringstream ss(line);
    std::vector<std::string> row;
    for (std::string tok; ss >> tok;) {
      if (tok != "|") row.push_back(tok);
    }
    out->rows.push_back(std::move(row));
  }
  ASSERT_FALSE(out->rows.empty()) << "golden file has no data: " << path;
}

// Column names after "columns:", '|' dropped.
std::vector<std::string> column_names(const GoldenFile& g) {
  for (const auto& c : g.comments) {
    const size_t at = c.find("columns:");
    if (at == std::string::npos) continue;
    std::istringstream ss(c.substr(at + 8));
    std::vector<std::string> names;
    for (std::string tok; ss >> tok;) {
      if (tok != "|") names.push_back(tok);
    }
    return names;
  }
  return {};
}

// "AP_RND/AP_SAT" or "TRN/WRAP_SM/N=2" -> the destination Spec (base width/integer/sign given).
bool column_spec(const std::string& name, Spec base, Spec* out) {
  std::vector<std::string> parts;
  std::istringstream ss(name);
  for (std::string p; std::getline(ss, p, '/');) parts.push_back(p);
  if (parts.size() < 2) return false;
  for (auto& p : parts) {
    if (p.rfind("AP_", 0) != 0 && p.rfind("N=", 0) != 0) p = "AP_" + p;
  }
  std::string text = std::string(base.is_signed ? "ap_fixed<" : "ap_ufixed<") +
                     std::to_string(base.width) + "," + std::to_string(base.integer) + "," +
                     parts[0] + "," + parts[1];
  if (parts.size() == 3) text += "," + parts[2].substr(2);
  text += ">";
  std::string error;
  return parse_spec(text, out, &error);
}

struct Column {
  std::string name;
  Spec spec;
};

std::vector<Column> mode_columns(const GoldenFile& g, size_t first, Spec base) {
  const auto names = column_names(g);
  std::vector<Column> cols;
  for (size_t c = first; c < names.size(); ++c) {
    Column col{names[c], {}};
    EXPECT_TRUE(column_spec(names[c], base, &col.spec)) << names[c];
    cols.push_back(col);
  }
  return cols;
}

void check_double_file(const std::string& file, Spec base, size_t expect_cols) {
  GoldenFile g;
  ASSERT_NO_FATAL_FAILURE(read_golden(file, &g));
  const auto cols = mode_columns(g, 3, base);  // idx double(%.17g) double(%a) modes...
  ASSERT_EQ(cols.size(), expect_cols);
  size_t checked = 0;
  int failures = 0;
  for (const auto& row : g.rows) {
    ASSERT_EQ(row.size(), 3 + cols.size()) << "row " << row[0];
    const double x = std::strtod(row[2].c_str(), nullptr);
    ASSERT_EQ(x, std::strtod(row[1].c_str(), nullptr)) << "row " << row[0];
    for (size_t c = 0; c < cols.size(); ++c) {
      const int64_t want = std::stoll(row[3 + c]);
      const int64_t got = from_double(x, cols[c].spec);
      if (got != want && ++failures < 20) {
        ADD_FAILURE() << file << " row " << row[0] << " x=" << row[1] << " " << cols[c].name
                      << ": got " << got << " want " << want;
      }
      ++checked;
    }
  }
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(checked, g.rows.size() * cols.size());
}

void check_fixed_file(const std::string& file, Spec base, size_t expect_cols) {
  GoldenFile g;
  ASSERT_NO_FATAL_FAILURE(read_golden(file, &g));
  const auto cols = mode_columns(g, 2, base);  // idx src_raw modes...
  ASSERT_EQ(cols.size(), expect_cols);
  int failures = 0;
  for (const auto& row : g.rows) {
    ASSERT_EQ(row.size(), 2 + cols.size()) << "row " << row[0];
    const int64_t src = std::stoll(row[1]);  // ap_fixed<40,16>: 24 fraction bits
    for (size_t c = 0; c < cols.size(); ++c) {
      const int64_t want = std::stoll(row[2 + c]);
      const int64_t got = cast_raw(src, 24, cols[c].spec);
      if (got != want && ++failures < 20) {
        ADD_FAILURE() << file << " row " << row[0] << " src=" << src << " " << cols[c].name
                      << ": got " << got << " want " << want;
      }
    }
  }
  EXPECT_EQ(failures, 0);
}

TEST(CastGolden, DoubleToFixed16_6) {
  check_double_file("conv_double_to_fixed16_6.txt", Spec{16, 6, true}, 35 + 4);
}

TEST(CastGolden, DoubleToUfixed16_6) {
  check_double_file("conv_double_to_ufixed16_6.txt", Spec{16, 6, false}, 28);
}

TEST(CastGolden, Fixed40_16ToFixed16_6) {
  check_fixed_file("conv_fixed40_16_to_fixed16_6.txt", Spec{16, 6, true}, 35 + 4);
}

TEST(CastGolden, Fixed40_16ToUfixed16_6) {
  check_fixed_file("conv_fixed40_16_to_ufixed16_6.txt", Spec{16, 6, false}, 28);
}

}  // namespace
}  // namespace l1t::fixed
