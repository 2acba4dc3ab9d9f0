#include "services/chain/run_report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "common/experiment/svg_plot.h"
#include "common/files/atomic_file.h"

namespace l1t::chain {
namespace {

using experiment::escape;
using nlohmann::json;

// One chart of a per-level quantity, drawn by the experiments' plot writer and inlined (its
// XML prolog dropped): a figure labelled with the title, a polyline per series.
struct Series {
  std::string name;
  std::vector<std::optional<double>> values;  // one per level; nullopt: no point
  bool dashed = false;
};

std::optional<double> field(const json& level, const std::string& key) {
  if (!level.contains(key) || !level[key].is_number()) return std::nullopt;
  const double v = level[key].get<double>();
  return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

std::string chart(const std::string& title, const std::string& y_label,
                  const std::vector<double>& levels, const std::vector<Series>& series,
                  std::optional<double> reference = std::nullopt,
                  const std::string& reference_name = "threshold") {
  experiment::Plot plot;
  plot.title = title;
  plot.x_label = "degradation level";
  plot.y_label = y_label;
  plot.width = 560;
  plot.height = 320;
  for (double l : levels) plot.x_ticks.push_back({l, experiment::format_tick(l)});
  for (const Series& s : series) {
    experiment::PlotSeries p{s.name, {}, {}, s.dashed};
    for (size_t i = 0; i < s.values.size() && i < levels.size(); ++i) {
      if (!s.values[i]) continue;
      p.x.push_back(levels[i]);
      p.y.push_back(*s.values[i]);
    }
    if (!p.x.empty()) plot.series.push_back(p);  // no point, no legend entry
  }
  if (plot.series.empty()) return "<p>" + escape(title) + ": no data</p>\n";
  if (reference && levels.size() >= 2) {
    plot.series.push_back(
        {reference_name, {levels.front(), levels.back()}, {*reference, *reference}, true, 7});
  }
  std::string svg = experiment::render_svg(plot);
  if (svg.rfind("<?xml", 0) == 0) svg.erase(0, svg.find('\n') + 1);
  return "<figure class=\"plot\" aria-label=\"" + escape(title) + "\">" + svg + "</figure>\n";
}

Series from_levels(const json& levels, const std::string& key, const std::string& name,
                   bool dashed = false) {
  Series s{name, {}, dashed};
  for (const auto& l : levels) s.values.push_back(field(l, key));
  return s;
}

std::string table(const std::vector<std::string>& head,
                  const std::vector<std::vector<std::string>>& rows) {
  std::ostringstream o;
  o << "<table><tr>";
  for (const auto& h : head) o << "<th>" << escape(h) << "</th>";
  o << "</tr>\n";
  for (const auto& r : rows) {
    o << "<tr>";
    for (const auto& c : r) o << "<td>" << escape(c) << "</td>";
    o << "</tr>\n";
  }
  o << "</table>\n";
  return o.str();
}

std::string text(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "-";
  return j.dump();
}

}  // namespace

std::string render_report(const json& summary) {
  const json levels = summary.value("levels", json::array());
  std::vector<double> x;
  for (const auto& l : levels) x.push_back(l.value("level", 0));
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<title>L1 trigger chain: run report</title>\n<style>"
       "body{font-family:sans-serif;margin:2em;max-width:1200px;color:#222}"
       "figure{display:inline-block;margin:0.5em}svg text{font-size:11px}"
       "svg .title{font-size:13px;font-weight:bold}.axis{stroke:#333}.grid{stroke:#ddd}"
       ".reference{stroke:#999;stroke-dasharray:2,3}table{border-collapse:collapse;margin:0.5em 0}"
       "td,th{border:1px solid #ccc;padding:2px 8px;font-size:12px;text-align:right}"
       "th{background:#f3f3f3}</style></head><body>\n";
  o << "<h1>L1 trigger chain: run report</h1>\n<p>" << escape(summary.value("scenario", "")) << ": "
    << summary.value("events_joined", uint64_t{0}) << " events decided and joined, "
    << summary.value("model_versions_applied", uint64_t{0}) << " weight versions applied, "
    << (summary.value("ok", false) ? "the run ended cleanly" : "the run did not end cleanly")
    << ". Live: the continually retrained model; frozen: the starting model, never retrained; "
       "ceiling: a model of the same size trained on the level's own data.</p>\n";

  o << "<h2>Figures of merit per level</h2>\n";
  o << chart("PV-track efficiency at the target pile-up acceptance", "efficiency", x,
             {from_levels(levels, "pv_efficiency_live_retuned", "live"),
              from_levels(levels, "pv_efficiency_frozen_retuned", "frozen"),
              from_levels(levels, "ceiling_pv_efficiency", "ceiling", true)});
  o << chart("HT trigger efficiency at the frozen model's rate", "tt-bar efficiency", x,
             {from_levels(levels, "trigger_efficiency_at_rate_live", "live"),
              from_levels(levels, "trigger_efficiency_at_rate_frozen", "frozen")});
  o << chart(
      "ROC AUC of the track classifier", "AUC", x,
      {from_levels(levels, "auc_live", "live"), from_levels(levels, "auc_frozen", "frozen")});
  o << chart("Share of what a model could win back", "recovered fraction", x,
             {from_levels(levels, "recovered_fraction", "live")}, 0.0, "none recovered");

  o << "<h2>Input drift</h2>\n";
  std::vector<Series> drift;
  std::vector<std::string> features;
  for (const auto& l : levels) {
    const json by_feature =
        l.value("drift", json::object());  // items() needs it to outlive the loop
    for (const auto& [f, unused] : by_feature.items()) {
      if (std::find(features.begin(), features.end(), f) == features.end()) features.push_back(f);
    }
  }
  for (size_t i = 0; i < features.size(); ++i) {
    Series s{features[i], {}, false};
    for (const auto& l : levels) {
      const json d = l.value("drift", json::object()).value(features[i], json::object());
      s.values.push_back(field(d, "wasserstein_normed"));
    }
    drift.push_back(s);
  }
  o << chart("Inputs' drift from the run's start", "normed Wasserstein-1", x, drift, 0.1);

  const json d = summary.value("drift", json::object());
  std::vector<std::vector<std::string>> alarm_rows;
  for (const auto& a : d.value("alarms", json::array())) {
    alarm_rows.push_back({text(a.value("detector", json())), text(a.value("signal", json())),
                          text(a.value("event", json())), text(a.value("level", json())),
                          text(a.value("model_version", json()))});
  }
  o << "<h2>Drift alarms</h2>\n<p>" << d.value("alarms_total", uint64_t{0})
    << " alarms over the run (label-free detectors: each inference node's DriftWatch; "
       "error-bit detectors and the estimate's gap: its LabelWatch).</p>\n";
  o << (alarm_rows.empty()
            ? std::string("<p>No alarm.</p>\n")
            : table({"detector", "signal", "event", "level", "model version"}, alarm_rows));
  const json labels = d.value("labels", json::object());
  if (!labels.empty()) {
    const json e = labels.value("estimated", json::object());
    const json r = labels.value("realized", json::object());
    auto row = [](const std::string& name, const json& p) -> std::vector<std::string> {
      if (!p.value("valid", false)) return {name, "not available", "", "", "", ""};
      return {name,
              text(p["efficiency"]),
              text(p["efficiency_error"]),
              text(p["pu_acceptance"]),
              text(p["auc"]),
              text(p["tracks"])};
    };
    o << "<h2>Performance before labels</h2>\n<p>As last seen together: estimated from the "
         "live scores alone through their calibration on labels (CBPE), and realised on the "
         "labels themselves.</p>\n"
      << table({"", "PV-track efficiency", "error", "pile-up acceptance", "AUC", "tracks"},
               {row("estimated from scores (CBPE)", e), row("realised on labels", r)});
  }

  const json trainer = summary.value("processes", json::object()).value("trainer", json::object());
  const json lab = summary.value("labels", json::object());
  o << "<h2>Weights, gate and labels</h2>\n"
    << table(
           {"quantity", "value"},
           {{"weight versions published", text(trainer.value("model_versions_published", json()))},
            {"candidates the gate published",
             text(trainer.value("model_candidates_published", json()))},
            {"candidates the gate rejected",
             text(trainer.value("model_candidates_rejected", json()))},
            {"rollbacks", text(trainer.value("model_rollbacks", json()))},
            {"weight versions applied at inference",
             text(summary.value("model_versions_applied", json()))},
            {"label mode", text(lab.value("mode", json()))},
            {"labelled tracks", text(lab.value("tracks", json()))},
            {"labels wrong against the truth", text(lab.value("error_rate", json()))}});
  o << "</body></html>\n";
  return o.str();
}

bool write_report(const std::string& dir, const json& summary, std::string* path,
                  std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    *error = "cannot make " + dir + ": " + ec.message();
    return false;
  }
  *path = dir + "/report.html";
  std::string why;
  if (!files::write_atomically(*path, render_report(summary), &why)) {
    *error = "cannot write " + *path + ": " + why;
    return false;
  }
  return true;
}

}  // namespace l1t::chain
