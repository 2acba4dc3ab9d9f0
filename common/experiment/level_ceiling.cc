#include "common/experiment/level_ceiling.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/experiment/experiences.h"
#include "common/experiment/json_numbers.h"
#include "common/files/atomic_file.h"
#include "common/hash/fnv1a.h"
#include "common/physics/event_generator.h"
#include "common/physics/smear.h"
#include "common/physics/track_word.h"
#include "common/physics/tracker_degradation.h"

namespace l1t::experiment {
namespace {

// Every double with all its digits: two inputs share a key only if they are the same bits
// (but for the sign of zero and NaN payloads, which no input uses).
class KeyText {
 public:
  KeyText& add(const char* name, double v) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return put(name, buf);
  }
  KeyText& add(const char* name, int64_t v) { return put(name, std::to_string(v)); }
  KeyText& add(const char* name, uint64_t v) { return put(name, std::to_string(v)); }
  KeyText& add(const char* name, int v) { return add(name, static_cast<int64_t>(v)); }
  KeyText& add(const char* name, bool v) { return put(name, v ? "true" : "false"); }
  KeyText& add(const char* name, const fixed::Spec& s) { return put(name, s.str()); }
  KeyText& put(const char* name, const std::string& v) {
    text_ += name;
    text_ += '=';
    text_ += v;
    text_ += '\n';
    return *this;
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// Every field of GeneratorConfig, of the data as generated (signal_sample). A field added to
// GeneratorConfig must be added here (level_ceiling_test checks the struct's size for that).
void add_generator(const physics::GeneratorConfig& given, KeyText* k) {
  const physics::GeneratorConfig g = signal_sample(given);
  k->add("pileup_mean", g.pileup_mean).add("beam_sigma_z_cm", g.beam_sigma_z_cm);
  k->add("pt_min", g.pt_min).add("eta_max", g.eta_max).add("z0_max", g.z0_max);
  k->add("eta_gen_max", g.eta_gen_max);
  k->add("pu_charged_per_unit_eta", g.pu_charged_per_unit_eta);
  k->add("tsallis_n", g.tsallis_n).add("tsallis_t_gev", g.tsallis_t_gev);
  k->add("jets_min", g.jets_min).add("jets_max", g.jets_max);
  k->add("jet_pt_min", g.jet_pt_min).add("jet_pt_mean_excess", g.jet_pt_mean_excess);
  k->add("jet_eta_sigma", g.jet_eta_sigma).add("jet_charged_fraction", g.jet_charged_fraction);
  k->add("jet_nch_a", g.jet_nch_a).add("jet_nch_b", g.jet_nch_b).add("jet_width", g.jet_width);
  k->add("w_bosons", g.w_bosons).add("w_to_track_prob", g.w_to_track_prob);
  k->add("lepton_pt_min", g.lepton_pt_min);
  k->add("lepton_pt_mean_excess", g.lepton_pt_mean_excess);
  k->add("lepton_eta_sigma", g.lepton_eta_sigma);
  k->add("ue_activity_factor", g.ue_activity_factor);
  k->add("hard_scatter_fraction", g.hard_scatter_fraction);
  for (double e : g.z0_res_eta_edges) k->add("z0_res_eta_edge", e);
  for (double r : g.z0_res_cm) k->add("z0_res_cm", r);
  k->add("z0_res_ref_pt", g.z0_res_ref_pt).add("z0_res_ms_share", g.z0_res_ms_share);
  k->add("inv_r_rel_res", g.inv_r_rel_res).add("inv_r_rel_res_per_eta", g.inv_r_rel_res_per_eta);
  k->add("phi0_res", g.phi0_res).add("eta_res", g.eta_res).add("d0_res_cm", g.d0_res_cm);
  k->add("fake_fraction", g.fake_fraction).add("fake_pt_mean_excess", g.fake_pt_mean_excess);
  k->add("fake_d0_sigma_cm", g.fake_d0_sigma_cm);
  k->add("fake_occupancy_power", g.fake_occupancy_power);
  k->add("fake_nominal_occupancy", g.fake_nominal_occupancy);
  k->add("fake_z0_sigma_factor", g.fake_z0_sigma_factor);
  k->add("material_interaction_prob", g.material_interaction_prob);
  k->add("quality_fake_chi2_scale", g.quality_fake_chi2_scale);
  k->add("quality_fake_bend_chi2_scale", g.quality_fake_bend_chi2_scale);
  k->add("quality_missing_stub_scale", g.quality_missing_stub_scale);
  k->add("quality_missing_ps_z_scale", g.quality_missing_ps_z_scale);
  k->add("quality_mva_offset", g.quality_mva_offset);
  k->add("quality_mva_stub_weight", g.quality_mva_stub_weight);
  k->add("quality_mva_chi2_weight", g.quality_mva_chi2_weight);
  k->add("stub_model", g.stub_model).add("stub_efficiency", g.stub_efficiency);
  k->add("bias_rail_band.rail_um", g.bias_rail_band.rail_um);
  k->add("bias_rail_band.implant_um", g.bias_rail_band.implant_um);
  k->add("smear_widths.pt", g.smear_widths.pt).add("smear_widths.eta", g.smear_widths.eta);
  k->add("smear_widths.phi", g.smear_widths.phi).add("smear_widths.z0", g.smear_widths.z0);
  k->add("smear_widths.d0", g.smear_widths.d0);
}

void add_state(const physics::DegradationState& s, KeyText* k) {
  k->add("level", s.level).add("smear", s.smear);
  k->put("smear_mode", std::string(physics::to_string(s.smear_mode)));
  const auto& t = s.tracker;
  k->add("bias_rail_fraction", t.bias_rail_fraction);
  k->add("ps_z_loss_fraction", t.ps_z_loss_fraction);
  k->add("bad_strip_fraction", t.bad_strip_fraction);
  k->add("dead_region.eta_min", t.dead_region.eta_min);
  k->add("dead_region.eta_max", t.dead_region.eta_max);
  k->add("dead_region.phi_min", t.dead_region.phi_min);
  k->add("dead_region.phi_max", t.dead_region.phi_max);
  k->add("z0_shift_cm", t.z0_shift_cm).add("pt_scale", t.pt_scale);
  k->add("resolution_scale", t.resolution_scale);
}

void add_layer(const nn::LayerPrecision& p, KeyText* k) {
  k->add("weight", p.weight).add("bias", p.bias).add("accum", p.accum);
  k->add("result", p.result).add("activation_result", p.activation_result);
}

CeilingOptions suite_options(const LevelCeilingOptions& o) {
  CeilingOptions c;
  c.train_events = o.train_events;
  c.test_events = o.test_events;
  c.pretrain_events = o.pretrain_events;
  c.pretrain = o.pretrain;
  c.quantisation = o.quantisation;
  c.pu_acceptance = o.pu_acceptance;
  c.ceiling_candidates = o.ceiling_candidates;
  c.learners.clear();  // the chain has its own live model
  c.threads = o.threads;
  c.seed = o.seed;
  c.generator = o.generator;
  c.progress = o.progress;
  return c;
}

std::vector<ExperienceSpec> level_specs(const std::vector<physics::DegradationState>& levels) {
  std::vector<ExperienceSpec> specs;
  for (size_t i = 0; i < levels.size(); ++i) {
    ExperienceSpec s;
    s.name = "level " + std::to_string(i);
    s.group = "level";
    const std::string_view preset = physics::tracker_scenario_name(levels[i].tracker);
    s.tracker = preset.empty() ? "custom" : std::string(preset);
    s.state = levels[i];
    specs.push_back(std::move(s));
  }
  return specs;
}

double number_or_nan(const nlohmann::json& j) {
  return j.is_number() ? j.get<double>() : std::numeric_limits<double>::quiet_NaN();
}

nlohmann::json cache_json(const std::string& key_hex, const std::string& key_text,
                          const LevelCeilingResult& r) {
  nlohmann::json j;
  j["format_version"] = kLevelCeilingFormatVersion;
  j["key"] = key_hex;
  j["key_text"] = key_text;
  j["target_pu_acceptance"] = r.target_pu_acceptance;
  j["models_trained"] = r.models_trained;
  j["levels"] = nlohmann::json::array();
  for (const auto& l : r.levels) {
    j["levels"].push_back({{"n_primary", l.n_primary},
                           {"n_pileup", l.n_pileup},
                           {"ceiling", ceiling_score_json(l.ceiling)},
                           {"frozen", ceiling_score_json(l.frozen)},
                           {"gap", json_number(l.gap)},
                           {"gap_error", json_number(l.gap_error)}});
  }
  return j;
}

// The cached result, or false with why the file cannot be used.
bool read_cache(const std::string& path, const std::string& key_text,
                const LevelCeilingOptions& options, LevelCeilingResult* out, std::string* why) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    *why = "cannot open";
    return false;
  }
  std::stringstream bytes;
  bytes << f.rdbuf();
  const auto j = nlohmann::json::parse(bytes.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    *why = "not JSON";
    return false;
  }
  const auto version = j.find("format_version");
  if (version == j.end() || !version->is_number_integer() ||
      version->get<int>() != kLevelCeilingFormatVersion) {
    *why = "not format version " + std::to_string(kLevelCeilingFormatVersion);
    return false;
  }
  const auto text = j.find("key_text");
  if (text == j.end() || !text->is_string() || text->get<std::string>() != key_text) {
    *why = "holds the result of other inputs";
    return false;
  }
  const auto levels = j.find("levels");
  if (levels == j.end() || !levels->is_array() || levels->size() != options.levels.size()) {
    *why = "has not one entry per level";
    return false;
  }
  LevelCeilingResult r;
  r.target_pu_acceptance = options.pu_acceptance;
  for (size_t i = 0; i < levels->size(); ++i) {
    const auto& e = (*levels)[i];
    LevelCeiling l;
    l.state = options.levels[i];
    if (!e.is_object() || !e.contains("n_primary") || !e["n_primary"].is_number_unsigned() ||
        !e.contains("n_pileup") || !e["n_pileup"].is_number_unsigned() || !e.contains("gap") ||
        !e.contains("gap_error") || !e.contains("ceiling") || !e.contains("frozen") ||
        !ceiling_score_from_json(e["ceiling"], &l.ceiling) ||
        !ceiling_score_from_json(e["frozen"], &l.frozen)) {
      *why = "level " + std::to_string(i) + " is incomplete";
      return false;
    }
    l.n_primary = e["n_primary"].get<size_t>();
    l.n_pileup = e["n_pileup"].get<size_t>();
    l.gap = number_or_nan(e["gap"]);
    l.gap_error = number_or_nan(e["gap_error"]);
    r.levels.push_back(l);
  }
  *out = std::move(r);
  return true;
}

}  // namespace

std::string level_ceiling_key_text(const LevelCeilingOptions& o) {
  KeyText k;
  k.add("l1t level-ceiling format", kLevelCeilingFormatVersion);
  k.add("seed", o.seed);
  k.add("train_events", o.train_events).add("test_events", o.test_events);
  k.add("pretrain_events", o.pretrain_events);
  std::string sizes;
  for (int s : o.pretrain.sizes) sizes += (sizes.empty() ? "" : ",") + std::to_string(s);
  k.put("pretrain.sizes", sizes);
  k.add("pretrain.epochs", o.pretrain.epochs);
  k.add("pretrain.batch", static_cast<uint64_t>(o.pretrain.batch));
  k.add("pretrain.lr", static_cast<double>(o.pretrain.lr));
  const auto& q = o.quantisation;
  k.add("quantisation.input", q.input);
  add_layer(q.layer, &k);
  k.add("quantisation.per_layer", static_cast<uint64_t>(q.per_layer.size()));
  for (const auto& p : q.per_layer) add_layer(p, &k);
  k.add("quantisation.sigmoid_table", q.sigmoid_table);
  k.add("quantisation.sigmoid_table_size", q.sigmoid_table_size);
  k.add("quantisation.saturate_parameters", q.saturate_parameters);
  k.add("quantisation.hls4ml_text", q.hls4ml_text);
  k.add("pu_acceptance", o.pu_acceptance);
  k.add("ceiling_candidates", o.ceiling_candidates);
  add_generator(o.generator, &k);
  k.add("levels", static_cast<uint64_t>(o.levels.size()));
  for (const auto& s : o.levels) add_state(s, &k);
  // The generator's code, not only its settings: the bytes of a few events under every level's
  // conditions. A change of the physics (a new draw, a new model) misses the cache even when
  // no setting changed.
  physics::EventGenerator probe(signal_sample(o.generator), o.seed);
  hash::Fnv1a digest;
  for (const auto& s : o.levels) {
    for (int e = 0; e < 3; ++e) digest.update(physics::pack_tracks(probe.next(s).tracks));
  }
  k.add("events_digest", digest.value());
  return k.text();
}

uint64_t level_ceiling_key(const LevelCeilingOptions& options) {
  return hash::fnv1a(level_ceiling_key_text(options));
}

std::string level_ceiling_cache_path(const LevelCeilingOptions& options) {
  if (options.cache_dir.empty()) return {};
  char name[64];
  std::snprintf(name, sizeof name, "level_ceiling_%016" PRIx64 ".json", level_ceiling_key(options));
  return options.cache_dir + "/" + name;
}

bool compute_level_ceilings(const LevelCeilingOptions& options, LevelCeilingResult* out,
                            std::string* error) {
  if (options.levels.empty()) {
    *error = "no levels to compute the ceiling of";
    return false;
  }
  const std::string key_text = level_ceiling_key_text(options);
  const uint64_t key = hash::fnv1a(key_text);
  char key_hex[20];
  std::snprintf(key_hex, sizeof key_hex, "%016" PRIx64, key);
  const std::string path = level_ceiling_cache_path(options);
  std::vector<std::string> warnings;

  if (!path.empty() && std::filesystem::exists(path)) {
    LevelCeilingResult cached;
    std::string why;
    if (read_cache(path, key_text, options, &cached, &why)) {
      cached.from_cache = true;
      cached.models_trained = 0;
      cached.key = key;
      cached.cache_path = path;
      *out = std::move(cached);
      return true;
    }
    warnings.push_back("ignoring the ceiling cache file '" + path + "' (" + why +
                       "); computing it again and rewriting it");
  }

  CeilingResult suite;
  if (!run_ceiling_levels(level_specs(options.levels), suite_options(options), &suite, error)) {
    return false;
  }
  LevelCeilingResult r;
  r.target_pu_acceptance = suite.target_pu_acceptance;
  r.models_trained =
      1 + options.levels.size() * static_cast<uint64_t>(std::max(options.ceiling_candidates, 1));
  r.key = key;
  r.cache_path = path;
  for (size_t i = 0; i < suite.experiences.size(); ++i) {
    const auto& x = suite.experiences[i];
    LevelCeiling l;
    l.state = options.levels[i];
    l.n_primary = x.n_primary;
    l.n_pileup = x.n_pileup;
    l.ceiling = x.ceiling;
    l.frozen = x.frozen;
    l.gap = x.gap;
    l.gap_error = x.gap_error;
    r.levels.push_back(l);
  }
  if (!path.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.cache_dir, ec);
    std::string why;
    if (ec) {
      warnings.push_back("cannot create the ceiling cache directory '" + options.cache_dir +
                         "': " + ec.message());
    } else if (!files::write_atomically(path, cache_json(key_hex, key_text, r).dump(1) + "\n",
                                        &why)) {
      warnings.push_back("cannot write the ceiling cache file '" + path + "': " + why);
    }
  }
  r.warnings = std::move(warnings);
  *out = std::move(r);
  return true;
}

}  // namespace l1t::experiment
