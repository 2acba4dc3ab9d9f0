// l1t-experiment: the seed studies, offline and in-process. --suite convergence | speed | cl |
// ceiling
// runs one suite and writes its JSON (--json) and SVG plots; --export-data writes the data and
// starting weights for the PyTorch comparison (bench/compare_pytorch.sh). No sockets.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "services/experiment/options.h"

using namespace l1t;

namespace {

bool write_json(const std::string& path, const nlohmann::json& j) {
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::ofstream f(path);
  f << j.dump(2) << "\n";
  f.close();
  if (!f) {
    spdlog::error("cannot write JSON to '{}'", path);
    return false;
  }
  spdlog::info("wrote {}", path);
  return true;
}

// The plot directory: --plot-dir, else the directory of --json; empty for no plots.
std::string plot_dir(const experiment_tool::CommandLine& cl) {
  if (!cl.plot_dir.empty()) return cl.plot_dir;
  if (cl.json.empty()) return {};
  const auto parent = std::filesystem::path(cl.json).parent_path();
  return parent.empty() ? "." : parent.string();
}

// Writes the JSON and the plots; the exit code.
template <typename Plotter>
int finish(const experiment_tool::CommandLine& cl, const nlohmann::json& j, Plotter plots) {
  if (!cl.json.empty() && !write_json(cl.json, j)) return 1;
  const std::string dir = plot_dir(cl);
  if (dir.empty()) return 0;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::vector<std::string> files;
  std::string error;
  if (ec || !plots(dir, &files, &error)) {
    spdlog::error("plots: {}", ec ? "cannot create '" + dir + "': " + ec.message() : error);
    return 1;
  }
  for (const auto& f : files) spdlog::info("wrote {}", f);
  return 0;
}

void log_progress(const std::string& line) { spdlog::info("{}", line); }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"l1t-experiment: convergence, speed and continual-learning studies, offline"};
  experiment_tool::CommandLine cl;
  experiment_tool::add_options(app, &cl);
  CLI11_PARSE(app, argc, argv);
  spdlog::set_default_logger(spdlog::stderr_color_mt("experiment"));
  std::string error;

  if (!cl.export_dir.empty()) {
    experiment::ExportOptions o;
    std::vector<std::string> files;
    if (!experiment_tool::export_options(cl, &o, &error) ||
        !experiment::export_study_data(o, &files, &error)) {
      spdlog::error("{}", error);
      return 2;
    }
    spdlog::info("exported {} files to {}", files.size(), o.dir);
    return 0;
  }
  if (cl.suite.empty()) {
    spdlog::error("name a suite (--suite convergence | speed | cl | ceiling) or --export-data DIR");
    return 2;
  }

  if (cl.suite == "convergence") {
    experiment::ConvergenceOptions o;
    if (!experiment_tool::convergence_options(cl, &o, &error)) {
      spdlog::error("{}", error);
      return 2;
    }
    o.progress = log_progress;
    experiment::ConvergenceResult r;
    if (!experiment::run_convergence_suite(o, &r, &error)) {
      spdlog::error("{}", error);
      return 2;
    }
    std::cout << experiment::convergence_table(r) << std::flush;
    return finish(cl, experiment::convergence_json(o, r), [&](auto& dir, auto* f, auto* e) {
      return experiment::write_convergence_plots(r, dir, f, e);
    });
  }
  if (cl.suite == "speed") {
    experiment::SpeedOptions o;
    if (!experiment_tool::speed_options(cl, &o, &error)) {
      spdlog::error("{}", error);
      return 2;
    }
    o.progress = log_progress;
    experiment::SpeedResult r;
    if (!experiment::run_speed_suite(o, &r, &error)) {
      spdlog::error("{}", error);
      return 2;
    }
    std::cout << experiment::speed_table(r) << std::flush;
    return finish(cl, experiment::speed_json(o, r), [&](auto& dir, auto* f, auto* e) {
      return experiment::write_speed_plot(r, dir, f, e);
    });
  }
  if (cl.suite == "ceiling") {
    experiment::CeilingOptions o;
    if (!experiment_tool::ceiling_options(cl, &o, &error)) {
      spdlog::error("{}", error);
      return 2;
    }
    o.progress = log_progress;
    experiment::CeilingResult r;
    if (!experiment::run_ceiling_suite(o, &r, &error)) {
      spdlog::error("{}", error);
      return 2;
    }
    std::cout << experiment::ceiling_table(r) << std::flush;
    return finish(cl, experiment::ceiling_json(o, r), [&](auto& dir, auto* f, auto* e) {
      return experiment::write_ceiling_plots(r, dir, f, e);
    });
  }
  experiment::ClSuiteOptions o;
  if (!experiment_tool::cl_options(cl, &o, &error)) {
    spdlog::error("{}", error);
    return 2;
  }
  o.progress = log_progress;
  experiment::ClSuiteResult r;
  if (!experiment::run_cl_suite(o, &r, &error)) {
    spdlog::error("{}", error);
    return 2;
  }
  std::cout << experiment::cl_suite_table(r) << std::flush;
  return finish(cl, experiment::cl_suite_json(o, r), [&](auto& dir, auto* f, auto* e) {
    return experiment::write_cl_plots(r, dir, f, e);
  });
}
