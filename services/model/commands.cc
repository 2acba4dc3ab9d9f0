#include "services/model/commands.h"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "common/fixed/spec.h"
#include "common/nn/hls4ml/hls4ml_export.h"
#include "common/nn/hls4ml/hls4ml_import.h"
#include "common/transport/model_codec.h"
#include "services/model/model_file.h"
#include "services/model/predict_csv.h"
#include "services/model/report.h"

namespace l1t::model_tool {
namespace {

int fail(const std::string& command, const std::string& message) {
  std::cerr << "l1t-model " << command << ": error: " << message << "\n";
  return 1;
}

void warn(const std::string& command, const std::string& message) {
  std::cerr << "l1t-model " << command << ": warning: " << message << "\n";
}

bool same_values(const nn::FixedModel& a, const nn::FixedModel& b) {
  if (a.layers.size() != b.layers.size()) return false;
  for (size_t k = 0; k < a.layers.size(); ++k) {
    if (a.layers[k].weights != b.layers[k].weights || a.layers[k].biases != b.layers[k].biases) {
      return false;
    }
  }
  return true;
}

}  // namespace

int run_inspect(const InspectArgs& args) {
  LoadedModel m;
  std::string error;
  if (!load_model(args.file, &m, &error)) return fail("inspect", error);
  if (args.json) {
    std::cout << inspect_json(m).dump(2) << "\n";
  } else {
    std::cout << inspect_text(m);
  }
  // A file whose checksum does not verify is damaged: say so in the exit code too.
  return m.checksum_ok ? 0 : 1;
}

int run_footprint(const InspectArgs& args) {
  LoadedModel m;
  std::string error;
  if (!load_model(args.file, &m, &error)) return fail("footprint", error);
  if (args.json) {
    std::cout << footprint_json(m.model).dump(2) << "\n";
  } else {
    std::cout << footprint_text(m.model);
  }
  return 0;
}

int run_export(const ExportArgs& args) {
  const std::string cmd = "export-hls4ml";
  LoadedModel m;
  std::string error;
  if (!load_model(args.file, &m, &error)) return fail(cmd, error);
  if (!m.checksum_ok) return fail(cmd, args.file + ": checksum does not verify; not exporting");
  auto files = nn::hls4ml_files(m.model);
  Json description{{"written_by", "l1t-model export-hls4ml"},
                   {"source",
                    {{"file", args.file},
                     {"version", m.update.version()},
                     {"parent_version", m.update.parent_version()},
                     {"checksum", hex64(m.update.checksum())}}}};
  description.update(model_json(m.model));
  description["hls4ml_config"] = hls4ml_config_json(m.model);
  Json listed = Json::array();
  for (const auto& f : files) listed.push_back(f.path);
  description["files"] = listed;
  description["value_format"] =
      "decimals with W-I digits after the point (hls4ml's format): the exact fixed-point value";
  files.push_back({"l1t_model.json", description.dump(2) + "\n"});
  if (!nn::write_hls4ml_files(args.dir, files, &error)) return fail(cmd, error);
  for (const auto& w : nn::hls4ml_export_warnings(m.model)) warn(cmd, w);

  // Read the files back as the C simulation would: the raws must come back unchanged.
  nn::Hls4mlImportOptions check;
  check.like = &m.model;
  nn::FixedModel back;
  nn::Hls4mlImportReport report;
  if (!nn::import_hls4ml(args.dir, check, &back, &report, &error)) {
    return fail(cmd, "re-reading the export failed: " + error);
  }
  if (!same_values(back, m.model)) {
    return fail(cmd, "re-reading the export gave different raws (see the warnings above)");
  }
  std::cout << fmt::format("wrote {} files to {} for {} (version {}, checksum {})\n", files.size(),
                           args.dir, architecture_text(m.model), m.update.version(),
                           hex64(m.update.checksum()));
  for (const auto& f : files) std::cout << "  " << f.path << "\n";
  std::cout << fmt::format("re-read check: all {} values load back to the same raws\n",
                           report.values);
  return 0;
}

int run_import(const ImportArgs& args) {
  const std::string cmd = "import-hls4ml";
  std::string error;
  nn::Hls4mlImportOptions options;
  options.saturate = args.saturate;
  LoadedModel like;
  if (!args.like.empty()) {
    if (!args.precision.empty() || !args.accum.empty() || !args.sizes.empty()) {
      return fail(cmd,
                  "--like takes every precision and the sizes from the model; do not also "
                  "give --precision, --accum or --sizes");
    }
    if (!load_model(args.like, &like, &error)) return fail(cmd, "--like: " + error);
    options.like = &like.model;
  } else {
    if (args.precision.empty()) return fail(cmd, "--precision (or --like) is required");
    if (!fixed::parse_spec(args.precision, &options.precision, &error)) {
      return fail(cmd, "--precision: " + error);
    }
    if (args.accum == "auto") {
      options.accum_auto = true;
    } else if (!args.accum.empty()) {
      fixed::Spec accum;
      if (!fixed::parse_spec(args.accum, &accum, &error)) return fail(cmd, "--accum: " + error);
      options.accum = accum;
    }
    if (!args.sizes.empty() && !nn::parse_layer_sizes(args.sizes, &options.sizes, &error)) {
      return fail(cmd, "--sizes: " + error);
    }
  }
  nn::FixedModel model;
  nn::Hls4mlImportReport report;
  if (!nn::import_hls4ml(args.dir, options, &model, &report, &error)) return fail(cmd, error);
  if (report.out_of_range > 0) {
    warn(cmd, fmt::format("{} values lie outside the range of their type and were {}",
                          report.out_of_range,
                          args.saturate ? "clamped (--saturate)"
                                        : "converted by its overflow mode, as hls4ml's C "
                                          "simulation does (AP_WRAP changes their sign; "
                                          "--saturate clamps instead)"));
  }
  if (report.rounded > 0) {
    warn(cmd, fmt::format("{} values were not on the type's grid and were rounded by its "
                          "quantisation mode (float weights, as hls4ml writes them)",
                          report.rounded));
  }
  const v1::ModelUpdate update = make_update(model, args.version, "hls4ml-import");
  const std::string out = args.out.empty() ? args.dir + "/l1t_model.pb" : args.out;
  if (!transport::write_model_file(out, update, &error)) return fail(cmd, error);
  std::cout << fmt::format(
      "imported {} from {} ({} values in {} files; {} rounded, {} out of range)\n"
      "wrote {} (version {}, checksum {})\n",
      architecture_text(model), report.weights_dir, report.values, report.files.size(),
      report.rounded, report.out_of_range, out, args.version, hex64(update.checksum()));
  return 0;
}

int run_predict(const PredictArgs& args) {
  LoadedModel m;
  std::string error;
  if (!load_model(args.file, &m, &error)) return fail("predict", error);
  if (!m.checksum_ok) warn("predict", args.file + ": checksum does not verify");
  bool ok = false;
  if (args.input == "-") {
    ok = predict_csv(m.model, std::cin, std::cout, args.layers, &error);
  } else {
    std::ifstream in(args.input);
    if (!in) return fail("predict", "cannot open input " + args.input);
    ok = predict_csv(m.model, in, std::cout, args.layers, &error);
  }
  std::cout.flush();
  return ok ? 0 : fail("predict", (args.input == "-" ? "stdin" : args.input) + ": " + error);
}

}  // namespace l1t::model_tool
