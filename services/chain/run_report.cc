#include "services/chain/run_report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "common/files/atomic_file.h"

namespace l1t::chain {
namespace {

using nlohmann::json;

struct Series {
  std::string name, color;
  std::vector<std::optional<double>> values;  // one per level; nullopt: no point
  bool dashed = false;
};

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string num(double v, int digits = 4) {
  std::ostringstream s;
  s.precision(digits);
  s << std::fixed << v;
  return s.str();
}

std::optional<double> field(const json& level, const std::string& key) {
  if (!level.contains(key) || !level[key].is_number()) return std::nullopt;
  const double v = level[key].get<double>();
  return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

// A line chart: x is the level, y the series; class "plot" and one polyline per series.
std::string chart(const std::string& title, const std::string& y_label,
                  const std::vector<std::string>& x_labels, const std::vector<Series>& series,
                  std::optional<double> reference = std::nullopt) {
  constexpr double kW = 560, kH = 300, kLeft = 60, kRight = 150, kTop = 30, kBottom = 40;
  double lo = INFINITY, hi = -INFINITY;
  for (const Series& s : series) {
    for (const auto& v : s.values) {
      if (v) {
        lo = std::min(lo, *v);
        hi = std::max(hi, *v);
      }
    }
  }
  if (!std::isfinite(lo)) return "<p>" + escape(title) + ": no data</p>\n";
  if (reference) {
    lo = std::min(lo, *reference);
    hi = std::max(hi, *reference);
  }
  if (hi - lo < 1e-6) {
    lo -= 0.05;
    hi += 0.05;
  }
  const double pad = 0.05 * (hi - lo);
  lo -= pad;
  hi += pad;
  const size_t n = std::max<size_t>(x_labels.size(), 2);
  auto x = [&](size_t i) { return kLeft + (kW - kLeft - kRight) * i / static_cast<double>(n - 1); };
  auto y = [&](double v) { return kTop + (kH - kTop - kBottom) * (hi - v) / (hi - lo); };
  std::ostringstream o;
  o << "<figure><svg class=\"plot\" viewBox=\"0 0 " << kW << " " << kH << "\" width=\"" << kW
    << "\" height=\"" << kH << "\" role=\"img\" aria-label=\"" << escape(title) << "\">\n";
  o << "<text x=\"" << kW / 2 << "\" y=\"18\" text-anchor=\"middle\" class=\"title\">"
    << escape(title) << "</text>\n";
  // Axes, five y ticks, the level labels.
  o << "<line x1=\"" << kLeft << "\" y1=\"" << kH - kBottom << "\" x2=\"" << kW - kRight
    << "\" y2=\"" << kH - kBottom << "\" class=\"axis\"/>\n";
  o << "<line x1=\"" << kLeft << "\" y1=\"" << kTop << "\" x2=\"" << kLeft << "\" y2=\""
    << kH - kBottom << "\" class=\"axis\"/>\n";
  for (int t = 0; t <= 4; ++t) {
    const double v = lo + (hi - lo) * t / 4;
    o << "<text x=\"" << kLeft - 6 << "\" y=\"" << y(v) + 4 << "\" text-anchor=\"end\">"
      << num(v, 3) << "</text>\n";
    o << "<line x1=\"" << kLeft << "\" y1=\"" << y(v) << "\" x2=\"" << kW - kRight << "\" y2=\""
      << y(v) << "\" class=\"grid\"/>\n";
  }
  for (size_t i = 0; i < x_labels.size(); ++i) {
    o << "<text x=\"" << x(i) << "\" y=\"" << kH - kBottom + 16 << "\" text-anchor=\"middle\">"
      << escape(x_labels[i]) << "</text>\n";
  }
  o << "<text x=\"" << (kLeft + kW - kRight) / 2 << "\" y=\"" << kH - 6
    << "\" text-anchor=\"middle\">degradation level</text>\n";
  o << "<text x=\"14\" y=\"" << (kTop + kH - kBottom) / 2 << "\" transform=\"rotate(-90 14 "
    << (kTop + kH - kBottom) / 2 << ")\" text-anchor=\"middle\">" << escape(y_label) << "</text>\n";
  if (reference) {
    o << "<line x1=\"" << kLeft << "\" y1=\"" << y(*reference) << "\" x2=\"" << kW - kRight
      << "\" y2=\"" << y(*reference) << "\" class=\"reference\"/>\n";
  }
  int row = 0;
  for (const Series& s : series) {
    if (std::none_of(s.values.begin(), s.values.end(),
                     [](const auto& v) { return v.has_value(); })) {
      continue;  // no point, no legend entry
    }
    std::ostringstream points;
    for (size_t i = 0; i < s.values.size(); ++i) {
      if (s.values[i]) points << num(x(i), 1) << "," << num(y(*s.values[i]), 1) << " ";
    }
    o << "<polyline fill=\"none\" stroke=\"" << s.color << "\" stroke-width=\"2\""
      << (s.dashed ? " stroke-dasharray=\"5,4\"" : "") << " points=\"" << points.str()
      << "\"><title>" << escape(s.name) << "</title></polyline>\n";
    for (size_t i = 0; i < s.values.size(); ++i) {
      if (s.values[i]) {
        o << "<circle cx=\"" << num(x(i), 1) << "\" cy=\"" << num(y(*s.values[i]), 1)
          << "\" r=\"2.5\" fill=\"" << s.color << "\"/>\n";
      }
    }
    const double ly = kTop + 16 * row++;
    o << "<line x1=\"" << kW - kRight + 10 << "\" y1=\"" << ly << "\" x2=\"" << kW - kRight + 30
      << "\" y2=\"" << ly << "\" stroke=\"" << s.color << "\" stroke-width=\"2\"/>"
      << "<text x=\"" << kW - kRight + 34 << "\" y=\"" << ly + 4 << "\">" << escape(s.name)
      << "</text>\n";
  }
  o << "</svg></figure>\n";
  return o.str();
}

const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                         "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

Series from_levels(const json& levels, const std::string& key, const std::string& name,
                   const std::string& color, bool dashed = false) {
  Series s{name, color, {}, dashed};
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
  std::vector<std::string> x;
  for (const auto& l : levels) x.push_back(std::to_string(l.value("level", 0)));
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
             {from_levels(levels, "pv_efficiency_live_retuned", "live", kColors[0]),
              from_levels(levels, "pv_efficiency_frozen_retuned", "frozen", kColors[1]),
              from_levels(levels, "ceiling_pv_efficiency", "ceiling", kColors[2], true)});
  o << chart("HT trigger efficiency at the frozen model's rate", "tt-bar efficiency", x,
             {from_levels(levels, "trigger_efficiency_at_rate_live", "live", kColors[0]),
              from_levels(levels, "trigger_efficiency_at_rate_frozen", "frozen", kColors[1])});
  o << chart("ROC AUC of the track classifier", "AUC", x,
             {from_levels(levels, "auc_live", "live", kColors[0]),
              from_levels(levels, "auc_frozen", "frozen", kColors[1])});
  o << chart("Share of what a model could win back", "recovered fraction", x,
             {from_levels(levels, "recovered_fraction", "live", kColors[0])}, 0.0);

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
    Series s{features[i], kColors[i % 10], {}, false};
    for (const auto& l : levels) {
      const json d = l.value("drift", json::object()).value(features[i], json::object());
      s.values.push_back(field(d, "wasserstein_normed"));
    }
    drift.push_back(s);
  }
  o << chart("Each input's distance from the run's start (normed W1; 0.1: drift)",
             "normed Wasserstein-1", x, drift, 0.1);

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
