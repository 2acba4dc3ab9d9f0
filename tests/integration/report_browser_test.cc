// The run report as a reader sees it: a real l1t-chain run writes it, headless Chromium (the
// Debian package) renders it, and the rendered page has its plots drawn, a screenshot of the
// window's size, and nothing on the console.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "tests/support/run_command.h"
#include "tests/support/service_process.h"

namespace l1t {
namespace {

namespace fs = std::filesystem;
const std::string kChromium = "/usr/bin/chromium";

using testing::run_command;

// Width and height from a PNG's IHDR chunk; 0, 0 if it is not a PNG.
std::pair<uint32_t, uint32_t> png_size(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(24, '\0');
  in.read(head.data(), 24);
  if (!in || head.compare(1, 3, "PNG") != 0) return {0, 0};
  auto be32 = [&](size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(head[at + i]);
    return v;
  };
  return {be32(16), be32(20)};
}

TEST(ReportBrowserTest, ARealRunsReportRendersInChromiumWithItsPlotsDrawn) {
  ASSERT_TRUE(fs::exists(kChromium))
      << kChromium << " is missing: install the Debian package 'chromium' (./test.sh does: "
      << "scripts/install-deps.sh --test)";
  const std::string dir = testing::temp_dir("report");
  std::string out;
  const std::string chain =
      testing::binary("l1t-chain") + " --config " + testing::default_config() +
      " --ephemeral-ports --work-dir " + dir + "/work --set degradation.events_per_level=400" +
      " --set emulator.rate_hz=0 --set ceiling.enabled=false --progress-interval 5 --report " +
      dir + "/report";
  ASSERT_EQ(run_command(chain, &out), 0) << out;
  const std::string page = dir + "/report/report.html";
  ASSERT_TRUE(fs::exists(page)) << out;
  EXPECT_NE(out.find("report: " + page), std::string::npos) << "l1t-chain says where it is";

  // Chromium as root needs --no-sandbox; the profile is the test's own.
  const std::string browser = kChromium + " --headless --no-sandbox --disable-gpu " +
                              "--user-data-dir=" + dir + "/profile --enable-logging=stderr " +
                              "--v=0 --window-size=1280,2400 ";
  ASSERT_EQ(run_command(browser + "--screenshot=" + dir + "/report.png file://" + page, &out), 0)
      << out;
  EXPECT_EQ(png_size(dir + "/report.png"), (std::pair<uint32_t, uint32_t>{1280, 2400})) << out;
  EXPECT_GT(fs::file_size(dir + "/report.png"), 20000u) << "a blank page compresses to little";
  EXPECT_EQ(out.find("CONSOLE"), std::string::npos) << out;
  EXPECT_EQ(out.find("Uncaught"), std::string::npos) << out;

  // The DOM as Chromium built it: the plots are there with their lines, a point per level (at
  // 400 events a level, the HT trigger at a fixed rate and, without the ceiling, the recovered
  // fraction have no data and say so).
  ASSERT_EQ(run_command(browser + "--dump-dom file://" + page, &out), 0);
  for (const char* title :
       {"PV-track efficiency at the target pile-up acceptance", "ROC AUC of the track classifier",
        "Inputs' drift from the run's start"}) {
    EXPECT_NE(out.find("aria-label=\"" + std::string(title)), std::string::npos) << title;
  }
  const std::regex line("<polyline[^>]*points=\"([0-9.]+,[0-9.]+ ){10}[0-9.]+,[0-9.]+\"");
  EXPECT_GE(
      std::distance(std::sregex_iterator(out.begin(), out.end(), line), std::sregex_iterator()), 12)
      << "live and frozen efficiency and AUC and 8 inputs' drift, 11 levels each";
  EXPECT_NE(out.find("Drift alarms"), std::string::npos);
}

}  // namespace
}  // namespace l1t
