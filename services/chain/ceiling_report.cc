#include "services/chain/ceiling_report.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <cstdlib>

#include "common/config/physics_settings.h"
#include "common/experiment/level_ceiling.h"
#include "common/nn/training/quantise.h"
#include "common/physics/features.h"

namespace l1t::chain {
namespace {

nlohmann::json num(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }
double number(const nlohmann::json& v) { return v.is_number() ? v.get<double>() : std::nan(""); }

}  // namespace

std::string default_cache_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return std::string(xdg) + "/l1t-continual";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::string(home) + "/.cache/l1t-continual";
  }
  return "/tmp/l1t-continual-cache";
}

bool compute_ceiling(const config::Scenario& cfg, const config::RunPlan& plan, nlohmann::json* out,
                     std::string* error) {
  experiment::LevelCeilingOptions o;
  for (size_t l = 0; l < plan.levels(); ++l) o.levels.push_back(plan.level_start(l).degradation);
  o.generator = config::signal_generator_config(cfg);
  o.seed = cfg.ceiling.seed;
  o.train_events = cfg.ceiling.train_events;
  o.test_events = cfg.ceiling.test_events;
  o.pretrain_events = cfg.trainer.pretrain_events;  // the frozen reference, as the trainer's
  o.pretrain.sizes = {physics::kNumFeatures};
  o.pretrain.sizes.insert(o.pretrain.sizes.end(), cfg.model.hidden.begin(), cfg.model.hidden.end());
  o.pretrain.sizes.push_back(1);
  o.pretrain.epochs = cfg.trainer.pretrain_epochs;
  if (!nn::model_quantisation(cfg.model.precision, cfg.model.accum_precision, &o.quantisation,
                              error)) {
    return false;
  }
  o.pu_acceptance = cfg.inference.working_point_pu_acceptance;
  o.threads = cfg.ceiling.threads;
  o.cache_dir = cfg.ceiling.cache_dir.empty() ? default_cache_dir() : cfg.ceiling.cache_dir;
  o.progress = [](const std::string& line) { spdlog::info("chain: ceiling: {}", line); };

  const auto t0 = std::chrono::steady_clock::now();
  experiment::LevelCeilingResult r;
  if (!experiment::compute_level_ceilings(o, &r, error)) return false;
  for (const std::string& w : r.warnings) spdlog::warn("chain: ceiling cache: {}", w);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  spdlog::info("chain: ceiling of {} levels {} in {:.1f} s ({})", r.levels.size(),
               r.from_cache ? "read from the cache" : "computed", seconds, r.cache_path);
  nlohmann::json levels = nlohmann::json::array();
  for (size_t l = 0; l < r.levels.size(); ++l) {
    const experiment::LevelCeiling& c = r.levels[l];
    levels.push_back({{"level", l},
                      {"ceiling_pv_efficiency", num(c.ceiling.efficiency)},
                      {"ceiling_pv_efficiency_error", num(c.ceiling.efficiency_error)},
                      {"frozen_pv_efficiency", num(c.frozen.efficiency)},
                      {"gap", num(c.gap)},
                      {"gap_error", num(c.gap_error)}});
  }
  *out = {{"from_cache", r.from_cache},
          {"cache_path", r.cache_path},
          {"seconds", seconds},
          {"train_events", o.train_events},
          {"test_events", o.test_events},
          {"target_pu_acceptance", r.target_pu_acceptance},
          {"levels", levels}};
  return true;
}

void add_ceiling(const nlohmann::json& ceiling, nlohmann::json* levels) {
  if (!ceiling.contains("levels")) return;
  for (nlohmann::json& l : *levels) {
    const size_t level = l["level"].get<size_t>();
    if (level >= ceiling["levels"].size()) continue;
    const nlohmann::json& c = ceiling["levels"][level];
    const double top = number(c["ceiling_pv_efficiency"]);
    const double top_error = number(c["ceiling_pv_efficiency_error"]);
    const double frozen = number(l["pv_efficiency_frozen_retuned"]);
    const double live = number(l["pv_efficiency_live_retuned"]);
    const double n = number(l.value("primary_tracks", nlohmann::json()));
    // Binomial errors; live - frozen is a paired difference on the same tracks, so adding the
    // two in quadrature overstates its error, which errs on the side of reporting nothing.
    auto binomial = [n](double e) { return n > 0 ? std::sqrt(e * (1 - e) / n) : std::nan(""); };
    const double gap = top - frozen;
    const double gap_error = std::hypot(top_error, binomial(frozen));
    const double gained = live - frozen;
    const double gained_error = std::hypot(binomial(live), binomial(frozen));
    l["ceiling_pv_efficiency"] = num(top);
    l["ceiling_pv_efficiency_error"] = num(top_error);
    l["ceiling_gap"] = num(gap);
    l["ceiling_gap_error"] = num(gap_error);
    if (!(gap > 2 * gap_error) || !std::isfinite(gained)) {
      l["recovered_fraction"] = nullptr;
      l["recovered_fraction_error"] = nullptr;
      l["recovered_fraction_note"] = "ceiling - frozen within twice its error: nothing to recover";
      continue;
    }
    const double r = gained / gap;
    l["recovered_fraction"] = r;
    l["recovered_fraction_error"] = std::hypot(gained_error, r * gap_error) / gap;
  }
}

}  // namespace l1t::chain
