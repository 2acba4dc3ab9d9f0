#include "common/physics/track_table_export.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/physics/npy.h"

namespace l1t::physics {
namespace {

constexpr size_t kEventIdCol = 0, kLevelCol = 1, kLabelCol = 13;

// CSV text of one row: integer columns as integers, the rest as the shortest text that reads
// back to the same float, so the CSV and the .npy hold identical values.
void append_csv_row(std::span<const float> row, std::string* out) {
  char buf[32];
  for (size_t c = 0; c < row.size(); ++c) {
    if (c > 0) out->push_back(',');
    std::to_chars_result r;
    if (c == kEventIdCol || c == kLevelCol || c == kLabelCol) {
      r = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(row[c]));
    } else {
      r = std::to_chars(buf, buf + sizeof buf, row[c]);
    }
    out->append(buf, r.ptr);
  }
  out->push_back('\n');
}

nlohmann::json columns_json() {
  nlohmann::json cols = nlohmann::json::array();
  for (std::string_view c : kTrackTableColumns) cols.push_back(std::string(c));
  return cols;
}

nlohmann::json level_json(const TrackTableExportOptions& o, const ExportedLevel& l) {
  return {{"columns", columns_json()},
          {"dtype", "float32"},
          {"shape", {l.rows, kTrackTableCols}},
          {"csv", l.basename + ".csv"},
          {"npy", l.basename + ".npy"},
          {"level", l.level},
          {"smear", l.smear},
          {"smear_mode", std::string(to_string(o.smear_mode))},
          {"smear_widths",
           {{"pt", o.generator.smear_widths.pt},
            {"eta", o.generator.smear_widths.eta},
            {"phi", o.generator.smear_widths.phi},
            {"z0", o.generator.smear_widths.z0},
            {"d0", o.generator.smear_widths.d0}}},
          {"tracker", l.tracker},
          {"events", l.events},
          {"seed", o.seed},
          {"pileup_mean", o.generator.pileup_mean},
          {"labels", {{"0", "pile-up"}, {"1", "primary vertex"}, {"2", "fake"}}},
          {"features",
           "f_*: the network inputs as the inference node computes them (FastHisto vertex, "
           "pt/8 capped at 128 GeV, eta, phi, z0/4, |z0 - vertex| capped at 31 cm /4)"},
          {"raw", "pt [GeV], eta, phi [rad], z0 [cm], d0 [cm]: the digitised, degraded track"}};
}

bool write_json(const std::string& path, const nlohmann::json& j, std::string* error) {
  std::ofstream out(path, std::ios::trunc);
  out << j.dump(2) << "\n";
  if (!out) {
    if (error) *error = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace

void append_track_rows(uint64_t event_id, const DegradationState& state, const GeneratedEvent& ev,
                       std::span<const float> features, std::vector<float>* rows) {
  for (size_t i = 0; i < ev.tracks.size(); ++i) {
    const Track& t = ev.tracks[i];
    const float* f = features.data() + i * kNumFeatures;
    const float row[kTrackTableCols] = {static_cast<float>(event_id),
                                        static_cast<float>(state.level),
                                        static_cast<float>(state.smear),
                                        f[0],
                                        f[1],
                                        f[2],
                                        f[3],
                                        f[4],
                                        static_cast<float>(t.pt()),
                                        static_cast<float>(t.eta()),
                                        static_cast<float>(t.phi0),
                                        static_cast<float>(t.z0),
                                        static_cast<float>(t.d0),
                                        static_cast<float>(ev.origin[i])};
    rows->insert(rows->end(), row, row + kTrackTableCols);
  }
}

std::string track_table_basename(int level, double smear) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "level_%02d_smear_%.3f", level, smear);
  return buf;
}

bool export_track_tables(const TrackTableExportOptions& o, std::vector<ExportedLevel>* levels,
                         std::string* error) {
  if (!o.features) {
    if (error) *error = "no feature function given";
    return false;
  }
  std::error_code ec;
  std::filesystem::create_directories(o.dir, ec);
  if (ec) {
    if (error) *error = "cannot create " + o.dir + ": " + ec.message();
    return false;
  }
  levels->clear();
  EventGenerator generator(o.generator, o.seed);
  GeneratedEvent ev;
  std::vector<float> features, rows;
  std::string csv_text;
  uint64_t event_id = 0;
  nlohmann::json manifest = {{"columns", columns_json()}, {"levels", nlohmann::json::array()}};

  for (size_t level = 0; level < o.smear_levels.size(); ++level) {
    DegradationState state{static_cast<int>(level), o.smear_levels[level]};
    state.smear_mode = o.smear_mode;
    if (!o.tracker_levels.empty()) {
      state.tracker = o.tracker_levels[std::min(level, o.tracker_levels.size() - 1)];
    }
    ExportedLevel out{state.level,
                      state.smear,
                      0,
                      0,
                      track_table_basename(state.level, state.smear),
                      to_string(state.tracker)};
    const std::string base = (std::filesystem::path(o.dir) / out.basename).string();
    NpyWriter npy;
    if (!npy.open(base + ".npy", kTrackTableCols, error)) return false;
    std::ofstream csv(base + ".csv", std::ios::trunc);
    for (size_t c = 0; c < kTrackTableCols; ++c) {
      csv << (c ? "," : "") << kTrackTableColumns[c];
    }
    csv << "\n";

    for (uint64_t i = 0; i < o.events_per_level; ++i) {
      if (o.prepare && !o.prepare(generator, error)) return false;
      generator.next(state, &ev);
      o.features(ev.tracks, &features);
      rows.clear();
      append_track_rows(++event_id, state, ev, features, &rows);
      csv_text.clear();
      for (size_t r = 0; r < rows.size(); r += kTrackTableCols) {
        const std::span<const float> row(rows.data() + r, kTrackTableCols);
        npy.append_row(row);
        append_csv_row(row, &csv_text);
      }
      csv << csv_text;
    }
    out.events = o.events_per_level;
    out.rows = npy.rows();
    csv.close();
    if (!csv) {
      if (error) *error = "cannot write " + base + ".csv";
      return false;
    }
    if (!npy.close(error)) return false;
    const nlohmann::json meta = level_json(o, out);
    if (!write_json(base + ".json", meta, error)) return false;
    manifest["levels"].push_back(meta);
    levels->push_back(out);
  }
  return write_json((std::filesystem::path(o.dir) / "manifest.json").string(), manifest, error);
}

}  // namespace l1t::physics
