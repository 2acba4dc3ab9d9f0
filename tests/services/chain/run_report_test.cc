// The run report from a summary the test writes: one chart per figure, a polyline per model with
// a point per level, the drift alarms and the gate in tables, text escaped, nothing fetched.
#include "services/chain/run_report.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace l1t::chain {
namespace {

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

nlohmann::json summary() {
  nlohmann::json levels = nlohmann::json::array();
  for (int l = 0; l < 3; ++l) {
    levels.push_back({{"level", l},
                      {"pv_efficiency_live_retuned", 0.98 - 0.02 * l},
                      {"pv_efficiency_frozen_retuned", 0.98 - 0.05 * l},
                      {"ceiling_pv_efficiency", 0.99 - 0.01 * l},
                      {"trigger_efficiency_at_rate_live", 0.86},
                      {"trigger_efficiency_at_rate_frozen", 0.85 - 0.02 * l},
                      {"auc_live", 0.98},
                      {"auc_frozen", 0.97},
                      {"recovered_fraction", l == 0 ? nlohmann::json() : nlohmann::json(0.5)},
                      {"drift",
                       {{"z0", {{"wasserstein_normed", 0.02 + 0.1 * l}}},
                        {"pt", {{"wasserstein_normed", 0.01}}}}}});
  }
  return {{"scenario", "test <scenario>"},
          {"events_joined", 3000},
          {"model_versions_applied", 7},
          {"ok", true},
          {"levels", levels},
          {"drift",
           {{"alarms_total", 1},
            {"alarms",
             {{{"detector", "adwin"},
               {"signal", "z0"},
               {"event", 1600},
               {"level", 1},
               {"model_version", 3}}}}}},
          {"labels", {{"mode", "scouting"}, {"tracks", 1000}, {"error_rate", 0.014}}},
          {"processes",
           {{"trainer", {{"model_versions_published", 7}, {"model_candidates_rejected", 2}}}}}};
}

TEST(RunReportTest, DrawsEveryFigureWithAPointPerLevel) {
  const std::string html = render_report(summary());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(count(html, "<figure class=\"plot\""), 5u);
  EXPECT_EQ(count(html, "<svg"), 5u);
  EXPECT_EQ(count(html, "<?xml"), 0u) << "inlined, without the SVG file's prolog";
  // efficiency (3 series), trigger (2), AUC (2), recovered (1 and its zero line), drift (2
  // features and the 0.1 line).
  EXPECT_EQ(count(html, "<polyline"), 12u);
  const std::regex points("points=\"[0-9.]+,[0-9.]+ [0-9.]+,[0-9.]+ [0-9.]+,[0-9.]+\"");
  EXPECT_GE(
      std::distance(std::sregex_iterator(html.begin(), html.end(), points), std::sregex_iterator()),
      9)
      << "three points for every series but the recovered fraction, which level 0 lacks";
  EXPECT_NE(html.find("<td>adwin</td><td>z0</td><td>1600</td>"), std::string::npos);
  EXPECT_NE(html.find("test &lt;scenario&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<scenario>"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos) << "nothing fetched";
  EXPECT_EQ(html.find("href="), std::string::npos) << "nothing fetched";
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

TEST(RunReportTest, ASummaryWithoutLevelsSaysSoInsteadOfDrawingEmptyPlots) {
  const std::string html = render_report({{"ok", false}});
  EXPECT_EQ(count(html, "<svg"), 0u);
  EXPECT_NE(html.find("no data"), std::string::npos);
  EXPECT_NE(html.find("did not end cleanly"), std::string::npos);
}

}  // namespace
}  // namespace l1t::chain
