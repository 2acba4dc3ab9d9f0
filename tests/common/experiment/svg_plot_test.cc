#include "common/experiment/svg_plot.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace l1t::experiment {
namespace {

std::string temp_dir() {
  std::string tmpl = "/tmp/l1t-test-svg-XXXXXX";
  return mkdtemp(tmpl.data());
}

// Parses the file with Python's XML parser and prints "<series count> <name>|<name>|...|"
// and the number of polylines; an exception (not well-formed) gives a non-zero exit.
std::string parse_with_python(const std::string& path, int* exit_code) {
  const std::string cmd =
      "/usr/bin/python3 -c \"import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); "
      "gs = [g for g in d.getElementsByTagName('g') if g.getAttribute('class') == 'series']; "
      "print(len(gs), ''.join(g.getAttribute('data-name') + '|' for g in gs), "
      "len(d.getElementsByTagName('polyline')))\" " +
      path + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[512];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  const int status = pclose(p);
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

TEST(SvgPlotTest, NiceTicksAreRoundAndCoverTheRange) {
  const auto t = nice_ticks(0.913, 0.958, 7);
  ASSERT_GE(t.size(), 3u);
  EXPECT_LE(t.size(), 8u);
  EXPECT_GE(t.front(), 0.913);
  EXPECT_LE(t.back(), 0.958);
  const double step = t[1] - t[0];
  EXPECT_NEAR(step, 0.01, 1e-12);  // 0.045 / 6 = 0.0075 rounds up to 0.01
  for (size_t i = 1; i < t.size(); ++i) EXPECT_NEAR(t[i] - t[i - 1], step, 1e-12);
  EXPECT_EQ(nice_ticks(0, 10, 6), (std::vector<double>{0, 2, 4, 6, 8, 10}));
  EXPECT_TRUE(nice_ticks(1, 1, 5).empty());
}

TEST(SvgPlotTest, LogTicksArePowersOfTen) {
  EXPECT_EQ(log_ticks(1, 1e6), (std::vector<double>{1, 10, 100, 1e3, 1e4, 1e5, 1e6}));
  // Under three decades: 1-2-5.
  EXPECT_EQ(log_ticks(1, 100), (std::vector<double>{1, 2, 5, 10, 20, 50, 100}));
  EXPECT_TRUE(log_ticks(0, 10).empty());
}

TEST(SvgPlotTest, TickLabelsAreShort) {
  EXPECT_EQ(format_tick(0.95), "0.95");
  EXPECT_EQ(format_tick(200), "200");
  EXPECT_EQ(format_tick(1e6), "1e6");
  EXPECT_EQ(format_tick(5e-4), "5e-4");
  EXPECT_EQ(format_tick(0), "0");
}

TEST(SvgPlotTest, WritesWellFormedXmlWithEverySeries) {
  Plot p;
  p.title = "Accuracy <after> each step & \"more\"";
  p.x_label = "experience";
  p.y_label = "accuracy";
  p.x_ticks = {{0, "0%"}, {1, "5%"}, {2, "10%"}};
  p.series.push_back({"none", {0, 1, 2}, {0.95, 0.94, 0.92}, true});
  p.series.push_back({"replay & co", {0, 1, 2}, {0.95, 0.95, 0.945}, false});
  // A missing value splits the line in two.
  p.series.push_back({"naive", {0, 1, 2}, {0.95, std::numeric_limits<double>::quiet_NaN(), 0.93}});
  const std::string dir = temp_dir();
  const std::string path = dir + "/plot.svg";
  std::string error;
  ASSERT_TRUE(write_svg(path, p, &error)) << error;
  int code = -1;
  const std::string out = parse_with_python(path, &code);
  ASSERT_EQ(code, 0) << out;
  // 3 series; polylines: none 1, replay 1, naive 2 (split at the NaN).
  EXPECT_EQ(out, "3 none|replay & co|naive| 4\n");
  std::filesystem::remove_all(dir);
}

TEST(SvgPlotTest, LogAxesDropNonPositiveValues) {
  Plot p;
  p.log_x = p.log_y = true;
  p.series.push_back({"adam", {1, 10, 100, 0}, {1e5, 5e5, 1e6, 2e6}});
  const std::string svg = render_svg(p);
  // Three usable points, so three markers; the x = 0 point is left out.
  size_t circles = 0;
  for (size_t at = svg.find("<circle"); at != std::string::npos; at = svg.find("<circle", at + 1)) {
    ++circles;
  }
  EXPECT_EQ(circles, 3u);
  EXPECT_NE(svg.find(">1e6<"), std::string::npos) << "y ticks at powers of ten";
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
}

TEST(SvgPlotTest, NarrowLogAxisGetsTicksInsideTheData) {
  Plot p;
  p.log_y = true;
  p.series.push_back({"loss", {1, 2, 3}, {0.115, 0.1, 0.092}});
  const std::string svg = render_svg(p);
  std::vector<std::string> labels;  // the y tick labels
  for (size_t at = svg.find("class=\"ytick\""); at != std::string::npos;
       at = svg.find("class=\"ytick\"", at + 1)) {
    const size_t open = svg.find('>', at) + 1;
    labels.push_back(svg.substr(open, svg.find('<', open) - open));
  }
  // Ticks such as 0.095, 0.1, 0.105, 0.11, not only the decades 0.01 and 1 around the data.
  EXPECT_GE(labels.size(), 3u);
  EXPECT_NE(std::find(labels.begin(), labels.end(), "0.1"), labels.end());
  EXPECT_EQ(std::find(labels.begin(), labels.end(), "0.01"), labels.end());
  EXPECT_EQ(std::find(labels.begin(), labels.end(), "1"), labels.end());
}

TEST(SvgPlotTest, SeriesCanShareAColour) {
  Plot p;
  p.series.push_back({"adam train", {1, 2}, {1, 2}, false, 1});
  p.series.push_back({"adam test", {1, 2}, {2, 3}, true, 1});
  const std::string svg = render_svg(p);
  size_t count = 0;
  for (size_t at = svg.find("#D55E00"); at != std::string::npos; at = svg.find("#D55E00", at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 6u);  // stroke and fill of two series groups, two legend lines
  EXPECT_EQ(svg.find("#0072B2"), std::string::npos) << "the first colour is not used";
}

TEST(SvgPlotTest, EmptyPlotStillRenders) {
  Plot p;
  p.title = "nothing yet";
  const std::string svg = render_svg(p);
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
}

TEST(SvgPlotTest, UnwritablePathIsAnError) {
  Plot p;
  std::string error;
  EXPECT_FALSE(write_svg("/nonexistent-dir/plot.svg", p, &error));
  EXPECT_NE(error.find("/nonexistent-dir/plot.svg"), std::string::npos) << error;
}

}  // namespace
}  // namespace l1t::experiment
