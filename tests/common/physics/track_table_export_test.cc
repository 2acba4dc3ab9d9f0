#include "common/physics/track_table_export.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "common/physics/npy.h"
#include "common/trigger/event_features.h"

namespace l1t::physics {
namespace {

std::string temp_dir(const std::string& tag) {
  std::string tmpl = "/tmp/l1t-test-" + tag + "-XXXXXX";
  return mkdtemp(tmpl.data());
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, sep);) out.push_back(item);
  return out;
}

TEST(NpyTest, HeaderIsPaddedTo64BytesAndNamesTheShape) {
  const size_t size = npy_header_size(14);
  EXPECT_EQ(size % 64, 0u);
  const std::string h = npy_header(12345, 14, size);
  ASSERT_EQ(h.size(), size);
  EXPECT_EQ(h.substr(0, 6), "\x93NUMPY");
  EXPECT_EQ(h[6], 1);  // version 1.0
  EXPECT_EQ(h[7], 0);
  const size_t len = static_cast<uint8_t>(h[8]) | (static_cast<uint8_t>(h[9]) << 8);
  EXPECT_EQ(10 + len, size);
  EXPECT_EQ(h.back(), '\n');
  EXPECT_NE(h.find("{'descr': '<f4', 'fortran_order': False, 'shape': (12345, 14), }"),
            std::string::npos);
  EXPECT_TRUE(npy_header(1, 14, 64).empty()) << "too small a size must be refused";
}

TEST(NpyTest, WriterRoundTripsThroughTheReader) {
  const std::string dir = temp_dir("npy");
  const std::string path = dir + "/m.npy";
  NpyWriter w;
  std::string error;
  ASSERT_TRUE(w.open(path, 3, &error)) << error;
  const std::vector<float> data = {1.5f, -2.25f, 3e-8f, 0.1f, 1e30f, -0.0f, 7, 8, 9, 10, 11, 12};
  for (size_t r = 0; r < 4; ++r) w.append_row(std::span<const float>(data).subspan(r * 3, 3));
  ASSERT_TRUE(w.close(&error)) << error;
  EXPECT_EQ(std::filesystem::file_size(path), npy_header_size(3) + data.size() * sizeof(float));

  NpyMatrix m;
  ASSERT_TRUE(read_npy(path, &m, &error)) << error;
  EXPECT_EQ(m.rows, 4u);
  EXPECT_EQ(m.cols, 3u);
  EXPECT_EQ(m.data, data);
  std::filesystem::remove_all(dir);
}

TEST(NpyTest, EmptyMatrixAndBadFiles) {
  const std::string dir = temp_dir("npy-bad");
  std::string error;
  {
    NpyWriter w;
    ASSERT_TRUE(w.open(dir + "/empty.npy", 5, &error));
    ASSERT_TRUE(w.close(&error));
  }
  NpyMatrix m;
  ASSERT_TRUE(read_npy(dir + "/empty.npy", &m, &error)) << error;
  EXPECT_EQ(m.rows, 0u);
  EXPECT_EQ(m.cols, 5u);

  {
    NpyWriter w;
    ASSERT_TRUE(w.open(dir + "/wrong.npy", 5, &error));
    const float row[2] = {1, 2};
    w.append_row(row);
    EXPECT_FALSE(w.close(&error)) << "a row of the wrong width must be reported";
  }
  std::ofstream(dir + "/junk.npy") << "not numpy at all";
  EXPECT_FALSE(read_npy(dir + "/junk.npy", &m, &error));
  EXPECT_NE(error.find("magic"), std::string::npos);
  // Truncated data: cut the last float off a valid file.
  {
    NpyWriter w;
    ASSERT_TRUE(w.open(dir + "/cut.npy", 2, &error));
    const float row[2] = {1, 2};
    w.append_row(row);
    ASSERT_TRUE(w.close(&error));
  }
  std::filesystem::resize_file(dir + "/cut.npy", npy_header_size(2) + 4);
  EXPECT_FALSE(read_npy(dir + "/cut.npy", &m, &error));
  std::filesystem::remove_all(dir);
}

TEST(TrackTableTest, BasenameNamesLevelAndSmear) {
  EXPECT_EQ(track_table_basename(3, 0.03), "level_03_smear_0.030");
  EXPECT_EQ(track_table_basename(10, 0.1), "level_10_smear_0.100");
}

class TrackTableExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_dir("export");
    options_.seed = 17;
    options_.smear_levels = {0.0, 0.05};
    options_.events_per_level = 3;
    options_.dir = dir_ + "/tables";  // created by the export
    options_.features = trigger::event_features;
    std::string error;
    ASSERT_TRUE(export_track_tables(options_, &levels_, &error)) << error;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string path(int level, const char* ext) const {
    return options_.dir + "/" + levels_.at(level).basename + ext;
  }

  std::string dir_;
  TrackTableExportOptions options_;
  std::vector<ExportedLevel> levels_;
};

TEST_F(TrackTableExportTest, TablesHoldTheInferenceNodesFeaturesAndTheTruth) {
  ASSERT_EQ(levels_.size(), 2u);
  // Regenerate the same stream: one generator through both levels, event ids 1 ... 6.
  EventGenerator generator(options_.generator, options_.seed);
  uint64_t event_id = 0;
  for (int level = 0; level < 2; ++level) {
    const DegradationState state{level, options_.smear_levels[level]};
    EXPECT_EQ(levels_[level].basename, track_table_basename(level, state.smear));
    NpyMatrix m;
    std::string error;
    ASSERT_TRUE(read_npy(path(level, ".npy"), &m, &error)) << error;
    ASSERT_EQ(m.cols, kTrackTableCols);
    EXPECT_EQ(m.rows, levels_[level].rows);

    size_t row = 0;
    for (int i = 0; i < 3; ++i) {
      const GeneratedEvent ev = generator.next(state);
      std::vector<float> features;
      const double vertex = trigger::event_features(ev.tracks, &features);
      (void)vertex;
      ++event_id;
      for (size_t t = 0; t < ev.tracks.size(); ++t, ++row) {
        ASSERT_LT(row, m.rows);
        const float* r = m.data.data() + row * kTrackTableCols;
        ASSERT_EQ(r[0], static_cast<float>(event_id));
        ASSERT_EQ(r[1], static_cast<float>(level));
        ASSERT_EQ(r[2], static_cast<float>(state.smear));
        for (int f = 0; f < kNumFeatures; ++f) ASSERT_EQ(r[3 + f], features[t * kNumFeatures + f]);
        ASSERT_EQ(r[8], static_cast<float>(ev.tracks[t].pt()));
        ASSERT_EQ(r[9], static_cast<float>(ev.tracks[t].eta()));
        ASSERT_EQ(r[10], static_cast<float>(ev.tracks[t].phi0));
        ASSERT_EQ(r[11], static_cast<float>(ev.tracks[t].z0));
        ASSERT_EQ(r[12], static_cast<float>(ev.tracks[t].d0));
        ASSERT_EQ(r[13], static_cast<float>(ev.origin[t]));
      }
    }
    EXPECT_EQ(row, m.rows) << "no extra rows";
  }
}

TEST_F(TrackTableExportTest, CsvMatchesTheNpyValueForValue) {
  NpyMatrix m;
  std::string error;
  ASSERT_TRUE(read_npy(path(1, ".npy"), &m, &error)) << error;
  const std::vector<std::string> lines = read_lines(path(1, ".csv"));
  ASSERT_EQ(lines.size(), m.rows + 1);
  EXPECT_EQ(lines[0], "event_id,level,smear,f_pt,f_eta,f_phi,f_z0,f_dz,pt,eta,phi,z0,d0,label");
  for (size_t r = 0; r < m.rows; ++r) {
    const std::vector<std::string> cells = split(lines[r + 1], ',');
    ASSERT_EQ(cells.size(), kTrackTableCols) << "line " << r + 2;
    for (size_t c = 0; c < kTrackTableCols; ++c) {
      ASSERT_EQ(std::strtof(cells[c].c_str(), nullptr), m.data[r * kTrackTableCols + c])
          << "line " << r + 2 << " column " << c;
    }
  }
  EXPECT_EQ(split(lines[1], ',')[0], "4") << "integer columns are written as integers";
}

TEST_F(TrackTableExportTest, SidecarAndManifestNameTheColumns) {
  std::ifstream in(path(0, ".json"));
  const nlohmann::json meta = nlohmann::json::parse(in);
  ASSERT_EQ(meta["columns"].size(), kTrackTableCols);
  EXPECT_EQ(meta["columns"][3], "f_pt");
  EXPECT_EQ(meta["columns"][13], "label");
  EXPECT_EQ(meta["dtype"], "float32");
  EXPECT_EQ(meta["shape"][0], levels_[0].rows);
  EXPECT_EQ(meta["events"], 3);
  EXPECT_EQ(meta["smear_mode"], "additive");
  EXPECT_EQ(meta["smear_widths"]["z0"], SmearWidths{}.z0);
  std::ifstream mf(options_.dir + "/manifest.json");
  const nlohmann::json manifest = nlohmann::json::parse(mf);
  ASSERT_EQ(manifest["levels"].size(), 2u);
  EXPECT_EQ(manifest["levels"][1]["npy"], levels_[1].basename + ".npy");
}

// np.load must read the file as written: the format is for Python users. ./test.sh installs
// Debian's python3-numpy; without it this test fails rather than pass unchecked.
TEST_F(TrackTableExportTest, NumpyLoadsTheTables) {
  if (std::system("/usr/bin/python3 -c 'import numpy' > /dev/null 2>&1") != 0) {
    FAIL() << "python3 with numpy is missing: ./test.sh installs Debian's python3-numpy";
  }
  NpyMatrix m;
  std::string error;
  ASSERT_TRUE(read_npy(path(1, ".npy"), &m, &error)) << error;
  const std::string script = dir_ + "/check.py";
  std::ofstream(script)
      << "import json, sys\n"
         "import numpy as np\n"
         "a = np.load(sys.argv[1])\n"
         "meta = json.load(open(sys.argv[2]))\n"
         "assert a.dtype == np.float32, a.dtype\n"
         "assert a.shape == tuple(meta['shape']), (a.shape, meta['shape'])\n"
         "c = np.loadtxt(sys.argv[3], delimiter=',', skiprows=1, dtype=np.float32, ndmin=2)\n"
         "assert (a == c).all()\n"
         "print(repr(float(a.sum(dtype=np.float64))))\n";
  double sum = 0;
  for (float v : m.data) sum += v;
  const std::string out = dir_ + "/sum.txt";
  const std::string cmd = "/usr/bin/python3 " + script + " " + path(1, ".npy") + " " +
                          path(1, ".json") + " " + path(1, ".csv") + " > " + out;
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream in(out);
  double np_sum = 0;
  in >> np_sum;
  EXPECT_NEAR(np_sum, sum, 1e-6 * std::abs(sum) + 1e-3);
}

TEST(TrackTableExportErrorsTest, RefusesWithoutFeatureFunctionOrWritableDir) {
  TrackTableExportOptions o;
  o.smear_levels = {0.0};
  o.events_per_level = 1;
  o.dir = "/proc/l1t-cannot-write-here";
  std::vector<ExportedLevel> levels;
  std::string error;
  EXPECT_FALSE(export_track_tables(o, &levels, &error));
  EXPECT_NE(error.find("feature"), std::string::npos);
  o.features = trigger::event_features;
  EXPECT_FALSE(export_track_tables(o, &levels, &error));
  EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace l1t::physics
