#include "common/config/scenario.h"

#include "common/config/physics_config.h"
#include "common/config/section.h"
#include "common/config/timeline_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numbers>
#include <set>
#include <sstream>

namespace l1t::config {
namespace {

bool one_of(const std::string& v, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (v == n) return true;
  }
  return false;
}

void read_endpoints(Section s, Endpoints* e) {
  // The old name of the control endpoint, read for one release (README: Renamed).
  if (s.has("snapshot")) s.get("snapshot", &e->control);
  for (auto [key, field] : {std::pair{"events", &e->events},
                            {"truth", &e->truth},
                            {"decisions", &e->decisions},
                            {"labels", &e->labels},
                            {"accepts", &e->accepts},
                            {"label_copies", &e->label_copies},
                            {"weights", &e->weights},
                            {"control", &e->control}}) {
    s.get(key, field);
    const std::string& v = *field;
    check(v.rfind("tcp://", 0) == 0 || v.rfind("ipc://", 0) == 0 || v.rfind("inproc://", 0) == 0, s,
          key, "must be a ZeroMQ endpoint (tcp://, ipc:// or inproc://), got '" + v + "'");
  }
  s.finish();
}

void read_port(Section& s, const char* key, int* port) {
  s.get(key, port);
  check(*port >= 0 && *port <= 65535, s, key, "must be a port in 0..65535");
}

void read_metrics(Section s, MetricsPorts* m) {
  s.get("bind_address", &m->bind_address);
  read_port(s, "emulator", &m->emulator);
  read_port(s, "inference", &m->inference);
  read_port(s, "labeller", &m->labeller);
  read_port(s, "trainer", &m->trainer);
  read_port(s, "monitor", &m->monitor);
  s.finish();
}

void read_emulator(Section s, EmulatorSettings* e) {
  s.get("seed", &e->seed);
  s.get("rate_hz", &e->rate_hz);
  check(e->rate_hz >= 0, s, "rate_hz", "must be >= 0 (0: as fast as the chain takes)");
  s.get("min_subscribers", &e->min_subscribers);
  check(e->min_subscribers >= 0, s, "min_subscribers", "must be >= 0");
  s.get("pileup_mean", &e->pileup_mean);
  check(e->pileup_mean >= 0 && e->pileup_mean <= 1000, s, "pileup_mean", "must be in 0..1000");
  s.get("beam_sigma_z_cm", &e->beam_sigma_z_cm);
  check(e->beam_sigma_z_cm > 0, s, "beam_sigma_z_cm", "must be > 0");
  s.get("hepmc_file", &e->hepmc_file);
  s.get("hepmc_pileup_file", &e->hepmc_pileup_file);
  s.get("progress_file", &e->progress_file);
  s.finish();
}

bool known_tracker_scenario(const std::string& name) {
  physics::TrackerDegradation unused;
  return physics::tracker_scenario(name, &unused);
}

std::string scenario_choices(const std::string& got) {
  return "must be one of: " + physics::tracker_scenario_list() + " (got '" + got + "')";
}

// One axis of the dead region: absent leaves [*lo, *hi] as it is (the whole axis).
void read_range(Section& s, const char* key, double limit, double* lo, double* hi) {
  std::vector<double> range;
  s.get(key, &range);
  if (range.empty()) return;
  const bool ok =
      range.size() == 2 && range[0] < range[1] && range[0] >= -limit && range[1] <= limit;
  char why[128];
  std::snprintf(why, sizeof why, "must be [min, max] with min < max, both in [%.4g, %.4g]", -limit,
                limit);
  check(ok, s, key, why);
  if (ok) *lo = range[0], *hi = range[1];
}

void read_dead_region(Section s, physics::EtaPhiWindow* w) {
  // A missing axis means all of it: eta: [0.5, 1.0] alone kills a ring.
  physics::EtaPhiWindow whole{-5, 5, -std::numbers::pi, std::numbers::pi};
  physics::EtaPhiWindow r = whole;
  read_range(s, "eta", 5, &r.eta_min, &r.eta_max);
  read_range(s, "phi", std::numbers::pi, &r.phi_min, &r.phi_max);
  s.finish();
  if (r != whole) *w = r;
}

// The additive smear's width per step of each parameter (physics::SmearWidths).
void read_smear_widths(Section s, physics::SmearWidths* w) {
  for (auto [key, field] : {std::pair{"pt", &w->pt},
                            {"eta", &w->eta},
                            {"phi", &w->phi},
                            {"z0", &w->z0},
                            {"d0", &w->d0}}) {
    s.get(key, field);
    check(std::isfinite(*field) && *field >= 0, s, key,
          "must be a finite width >= 0 (per smear step; 0: that parameter is not smeared)");
  }
  s.finish();
}

// The PS macro-pixel sensor's bias-rail band (physics::BiasRailBand).
void read_bias_rail_band(Section s, physics::BiasRailBand* b) {
  for (auto [key, field] : {std::pair{"rail_um", &b->rail_um}, {"implant_um", &b->implant_um}}) {
    s.get(key, field);
    check(std::isfinite(*field) && *field > 0 && *field <= 1e5, s, key,
          "must be a length in (0, 100000] um");
  }
  s.finish();
}

void read_degradation(Section s, DegradationSettings* d) {
  s.get("smear_levels", &d->smear_levels);
  check(!d->smear_levels.empty(), s, "smear_levels", "must list at least one level");
  for (double v : d->smear_levels) {
    check(v >= 0 && v <= 1, s, "smear_levels", "values must be in [0, 1]");
  }
  std::string mode(physics::to_string(d->smear_mode));
  s.get("smear_mode", &mode);
  check(physics::parse_smear_mode(mode, &d->smear_mode), s, "smear_mode",
        "must be one of: " + physics::smear_mode_list() + " (got '" + mode + "')");
  read_smear_widths(s.child("smear_widths"), &d->smear_widths);
  s.get("events_per_level", &d->events_per_level);
  check(d->events_per_level > 0, s, "events_per_level", "must be > 0");
  s.get("scenario", &d->scenario);
  check(known_tracker_scenario(d->scenario), s, "scenario", scenario_choices(d->scenario));
  s.get("scenarios", &d->scenarios);
  for (const std::string& name : d->scenarios) {
    check(known_tracker_scenario(name), s, "scenarios", scenario_choices(name));
  }
  if (!d->scenarios.empty()) {
    check(d->scenario == "none", s, "scenario",
          "cannot be combined with degradation.scenarios (each level names its own)");
    const size_t n = d->scenarios.size();
    check(d->smear_levels.size() == 1 || d->smear_levels.size() == n, s, "smear_levels",
          "has " + std::to_string(d->smear_levels.size()) + " values but degradation.scenarios " +
              "has " + std::to_string(n) + " levels: give one smear for all or one per scenario");
    if (d->smear_levels.size() == 1) d->smear_levels.assign(n, d->smear_levels[0]);
  }
  s.get("bias_rail", &d->bias_rail);
  check(d->bias_rail >= 0 && d->bias_rail <= 1, s, "bias_rail", "must be a fraction in [0, 1]");
  s.get("ps_z_loss", &d->ps_z_loss);
  check(d->ps_z_loss >= 0 && d->ps_z_loss <= 1, s, "ps_z_loss", "must be a fraction in [0, 1]");
  read_bias_rail_band(s.child("bias_rail_band"), &d->bias_rail_band);
  s.get("bad_strips", &d->bad_strips);
  check(d->bad_strips >= 0 && d->bad_strips <= 1, s, "bad_strips", "must be a fraction in [0, 1]");
  read_dead_region(s.child("dead_region"), &d->dead_region);
  s.get("z0_shift_cm", &d->z0_shift_cm);
  check(std::abs(d->z0_shift_cm) <= 15, s, "z0_shift_cm", "must be in [-15, 15]");
  s.get("pt_scale", &d->pt_scale);
  check(d->pt_scale > 0 && d->pt_scale <= 10, s, "pt_scale", "must be in (0, 10]");
  s.get("resolution_scale", &d->resolution_scale);
  check(d->resolution_scale > 0 && d->resolution_scale <= 100, s, "resolution_scale",
        "must be in (0, 100]");
  s.finish();
}

void read_model(Section s, ModelSettings* m) {
  s.get("precision", &m->precision);
  s.get("accum_precision", &m->accum_precision);
  s.get("hidden", &m->hidden);
  for (int h : m->hidden) check(h > 0 && h <= 1024, s, "hidden", "sizes must be in 1..1024");
  s.finish();
}

void read_inference(Section s, InferenceSettings* i) {
  s.get("node", &i->node);
  s.get("working_point_pu_acceptance", &i->working_point_pu_acceptance);
  check(i->working_point_pu_acceptance > 0 && i->working_point_pu_acceptance < 1, s,
        "working_point_pu_acceptance", "must be in (0, 1)");
  s.get("score_threshold", &i->score_threshold);
  check(i->score_threshold > 0 && i->score_threshold < 1, s, "score_threshold",
        "must be in (0, 1)");
  s.get("accept_ht_gev", &i->accept_ht_gev);
  s.get("live_working_point", &i->live_working_point);
  check(one_of(i->live_working_point, {"calibrated", "held"}), s, "live_working_point",
        "must be calibrated or held");
  s.get("trigger_minbias_accept", &i->trigger_minbias_accept);
  check(i->trigger_minbias_accept > 0 && i->trigger_minbias_accept < 1, s, "trigger_minbias_accept",
        "must be in (0, 1)");
  s.get("bunch_crossing_rate_hz", &i->bunch_crossing_rate_hz);
  check(i->bunch_crossing_rate_hz > 0 && std::isfinite(i->bunch_crossing_rate_hz), s,
        "bunch_crossing_rate_hz", "must be > 0");
  s.get("filled_bunch_fraction", &i->filled_bunch_fraction);
  check(i->filled_bunch_fraction > 0 && i->filled_bunch_fraction <= 1, s, "filled_bunch_fraction",
        "must be in (0, 1]");
  s.get("min_subscribers", &i->min_subscribers);
  check(i->min_subscribers >= 0, s, "min_subscribers", "must be >= 0");
  s.get("drift_block_events", &i->drift_block_events);
  check(i->drift_block_events >= 1, s, "drift_block_events", "must be >= 1");
  s.get("drift_reference_blocks", &i->drift_reference_blocks);
  check(i->drift_reference_blocks >= 2, s, "drift_reference_blocks", "must be >= 2");
  s.get("drift_slack", &i->drift_slack);
  check(i->drift_slack >= 0, s, "drift_slack", "must be >= 0");
  s.get("drift_threshold", &i->drift_threshold);
  check(i->drift_threshold >= 0, s, "drift_threshold", "must be >= 0 (0: no drift alarm)");
  s.get("heartbeat_s", &i->heartbeat_s);
  check(i->heartbeat_s > 0, s, "heartbeat_s", "must be > 0");
  s.finish();
}

void read_limits(Section s, Limits* l) {
  s.get("max_message_bytes", &l->max_message_bytes);
  // Below 64 KiB a legitimate event or model would not fit; beyond 1 GiB (and 4x that for
  // ZMQ_MAXMSGSIZE) it is no limit.
  check(l->max_message_bytes >= (int64_t{1} << 16) && l->max_message_bytes <= (int64_t{1} << 30), s,
        "max_message_bytes", "must be in [65536, 1073741824]");
  s.get("max_tracks_per_event", &l->max_tracks_per_event);
  check(l->max_tracks_per_event >= 1, s, "max_tracks_per_event", "must be >= 1");
  s.get("max_senders", &l->max_senders);
  check(l->max_senders >= 1, s, "max_senders", "must be >= 1");
  s.get("max_run", &l->max_run);
  check(l->max_run >= 1, s, "max_run", "must be >= 1");
  s.get("max_fill", &l->max_fill);
  check(l->max_fill >= 1, s, "max_fill", "must be >= 1");
  s.get("max_lumisection", &l->max_lumisection);
  check(l->max_lumisection >= 1, s, "max_lumisection", "must be >= 1");
  s.finish();
}

void read_security(Section s, Security* sec) {
  s.get("curve", &sec->curve);
  s.get("keys_dir", &sec->keys_dir);
  s.finish();
}

// A timeline whose own numbers the receivers would reject is a config mistake, found at start.
void check_limits(const Scenario& sc, Section& top) {
  if (!sc.timeline) return;
  const physics::TimeModelParams& t = sc.timeline->time;
  const uint64_t runs =
      (sc.timeline->total_events / std::max<uint64_t>(1, t.events_per_lumisection)) /
          std::max<uint32_t>(1, t.lumisections_per_run) +
      1;
  const uint64_t last_run = uint64_t{t.first_run} + runs;
  const uint64_t last_fill = uint64_t{t.first_fill} + runs / std::max<uint32_t>(1, t.runs_per_fill);
  if (last_run > sc.limits.max_run) {
    top.fail("limits.max_run", "is below the timeline's last run " + std::to_string(last_run));
  } else if (last_fill > sc.limits.max_fill) {
    top.fail("limits.max_fill", "is below the timeline's last fill " + std::to_string(last_fill));
  } else if (t.lumisections_per_run > sc.limits.max_lumisection) {
    top.fail("limits.max_lumisection", "is below the timeline's lumisections_per_run " +
                                           std::to_string(t.lumisections_per_run));
  }
}

void read_labeller(Section s, LabellerSettings* l) {
  s.get("seed", &l->seed);
  s.get("fraction", &l->fraction);
  check(l->fraction > 0 && l->fraction <= 1, s, "fraction", "must be in (0, 1]");
  s.get("delay_ms", &l->delay_ms);
  check(l->delay_ms >= 0, s, "delay_ms", "must be >= 0");
  s.get("label_noise", &l->label_noise);
  check(l->label_noise >= 0 && l->label_noise < 0.5, s, "label_noise", "must be in [0, 0.5)");
  s.get("label_minimum_bias", &l->label_minimum_bias);
  s.get("mode", &l->mode);
  check(one_of(l->mode, {"truth", "scouting", "offline"}), s, "mode",
        "must be one of: truth, scouting, offline (got '" + l->mode + "')");
  s.get("delay_exp_ms", &l->delay_exp_ms);
  check(l->delay_exp_ms >= 0 && l->delay_exp_ms < 1e9, s, "delay_exp_ms", "must be in [0, 1e9)");
  s.get("delivery", &l->delivery);
  check(one_of(l->delivery, {"continuous", "end_of_fill"}), s, "delivery",
        "must be one of: continuous, end_of_fill (got '" + l->delivery + "')");
  Section r = s.child("reconstruction");
  physics::OfflineReconstruction& rec = l->reconstruction;
  r.get("z0_resolution_cm", &rec.z0_resolution_cm);
  check(rec.z0_resolution_cm > 0 && rec.z0_resolution_cm < 1, r, "z0_resolution_cm",
        "must be in (0, 1)");
  r.get("z0_scattering_cm_gev", &rec.z0_scattering_cm_gev);
  check(rec.z0_scattering_cm_gev >= 0 && rec.z0_scattering_cm_gev < 1, r, "z0_scattering_cm_gev",
        "must be in [0, 1)");
  r.get("vertex_window_cm", &rec.vertex_window_cm);
  check(rec.vertex_window_cm > 0 && rec.vertex_window_cm < 5, r, "vertex_window_cm",
        "must be in (0, 5)");
  r.get("association_sigmas", &rec.association_sigmas);
  check(rec.association_sigmas > 0 && rec.association_sigmas < 100, r, "association_sigmas",
        "must be in (0, 100)");
  r.finish();
  s.finish();
}

void read_drift(Section s, drift::WatchSettings* d) {
  for (auto [key, field] : {std::pair{"reference_events", &d->reference_events},
                            {"window_events", &d->window_events},
                            {"tracks_per_event", &d->tracks_per_event},
                            {"block_events", &d->block_events}}) {
    s.get(key, field);
    check(*field >= 1 && *field <= 1000000, s, key, "must be in [1, 1000000]");
  }
  check(d->reference_events >= 2 * d->block_events, s, "reference_events",
        "must be at least two blocks (2 x block_events)");
  s.get("false_alarm_events", &d->false_alarm_events);
  check(d->false_alarm_events >= 100 * static_cast<double>(d->block_events) &&
            d->false_alarm_events <= 1e9,
        s, "false_alarm_events", "must be in [100 x block_events, 1e9]");
  s.get("detectors", &d->detectors);
  for (const std::string& name : d->detectors) {
    check(one_of(name, {"page_hinkley", "adwin"}), s, "detectors",
          "must list page_hinkley and/or adwin (got '" + name + "')");
  }
  s.get("trainer_alarms", &d->trainer_alarms);
  for (const std::string& name : d->trainer_alarms) {
    check(one_of(name, {"cusum", "page_hinkley", "adwin", "ddm", "hddm_a", "cbpe"}), s,
          "trainer_alarms",
          "must list some of cusum, page_hinkley, adwin, ddm, hddm_a, cbpe (got '" + name + "')");
  }
  s.finish();
}

void read_ceiling(Section s, CeilingSettings* c) {
  s.get("enabled", &c->enabled);
  s.get("train_events", &c->train_events);
  check(c->train_events >= 10, s, "train_events", "must be >= 10");
  s.get("test_events", &c->test_events);
  check(c->test_events >= 10, s, "test_events", "must be >= 10");
  s.get("seed", &c->seed);
  s.get("threads", &c->threads);
  check(c->threads >= 1, s, "threads", "must be >= 1");
  s.get("cache_dir", &c->cache_dir);
  s.finish();
}

void read_trainer(Section s, TrainerSettings* t) {
  s.get("seed", &t->seed);
  // The trainer checks the name against nn::make_algorithm, the one list of algorithms.
  s.get("algorithm", &t->algorithm);
  check(!t->algorithm.empty(), s, "algorithm", "must name an algorithm (sgd, adam, am-adam)");
  s.get("strategy", &t->strategy);
  check(one_of(t->strategy, {"none", "naive", "replay", "ewc", "lwf"}), s, "strategy",
        "must be one of: none, naive, replay, ewc, lwf (got '" + t->strategy + "')");
  s.get("learning_rate", &t->learning_rate);
  check(t->learning_rate > 0 && t->learning_rate < 1, s, "learning_rate", "must be in (0, 1)");
  s.get("batch_size", &t->batch_size);
  check(t->batch_size > 0, s, "batch_size", "must be > 0");
  s.get("replay_capacity", &t->replay_capacity);
  check(t->replay_capacity >= 0, s, "replay_capacity", "must be >= 0");
  s.get("replay_fraction", &t->replay_fraction);
  check(t->replay_fraction >= 0 && t->replay_fraction < 1, s, "replay_fraction",
        "must be in [0, 1)");
  s.get("publish_every", &t->publish_every);
  check(t->publish_every > 0, s, "publish_every", "must be > 0");
  s.get("pretrain_events", &t->pretrain_events);
  check(t->pretrain_events >= 0, s, "pretrain_events", "must be >= 0");
  s.get("pretrain_epochs", &t->pretrain_epochs);
  check(t->pretrain_epochs >= 0, s, "pretrain_epochs", "must be >= 0");
  s.get("initial_model", &t->initial_model);
  s.get("sgd_momentum", &t->sgd_momentum);
  check(t->sgd_momentum >= 0 && t->sgd_momentum < 1, s, "sgd_momentum", "must be in [0, 1)");
  s.get("quantisation", &t->quantisation);
  check(one_of(t->quantisation, {"ptq", "qat"}), s, "quantisation",
        "must be one of: ptq, qat (got '" + t->quantisation + "')");
  s.get("ewc_lambda", &t->ewc_lambda);
  check(t->ewc_lambda >= 0, s, "ewc_lambda", "must be >= 0");
  s.get("ewc_decay", &t->ewc_decay);
  check(t->ewc_decay >= 0 && t->ewc_decay <= 1, s, "ewc_decay", "must be in [0, 1]");
  s.get("lwf_temperature", &t->lwf_temperature);
  check(t->lwf_temperature > 0, s, "lwf_temperature", "must be > 0");
  s.get("lwf_weight", &t->lwf_weight);
  check(t->lwf_weight >= 0, s, "lwf_weight", "must be >= 0");
  s.get("update_policy", &t->update_policy);
  check(one_of(t->update_policy, {"every_n", "on_drift", "fill_boundary"}), s, "update_policy",
        "must be one of: every_n, on_drift, fill_boundary (got '" + t->update_policy + "')");
  s.get("gate_window", &t->gate_window);
  check(t->gate_window >= 0, s, "gate_window", "must be >= 0 (0: gate off)");
  s.get("gate_margin", &t->gate_margin);
  check(t->gate_margin >= 0 && t->gate_margin <= 1, s, "gate_margin", "must be in [0, 1]");
  s.get("gate_reference_margin", &t->gate_reference_margin);
  check(t->gate_reference_margin >= 0 && t->gate_reference_margin <= 1, s, "gate_reference_margin",
        "must be in [0, 1]");
  s.get("gate_reference_rows", &t->gate_reference_rows);
  check(t->gate_reference_rows >= 0 && t->gate_reference_rows <= 1000000, s, "gate_reference_rows",
        "must be in 0..1000000 (0: no reference check)");
  s.get("checkpoint_dir", &t->checkpoint_dir);
  s.get("checkpoint_interval_s", &t->checkpoint_interval_s);
  check(t->checkpoint_interval_s >= 0, s, "checkpoint_interval_s",
        "must be >= 0 (0: only at publications and shutdown)");
  s.get("keep_versions", &t->keep_versions);
  check(t->keep_versions >= 1 && t->keep_versions <= 1000, s, "keep_versions",
        "must be in 1..1000");
  s.finish();
}

// "a.b.c=value": sets that node, creating maps on the way. The value is parsed as YAML.
bool apply_override(YAML::Node root, const std::string& text, std::string* error) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    *error = "override '" + text + "' must look like key.path=value";
    return false;
  }
  std::vector<std::string> keys;
  std::stringstream path(text.substr(0, eq));
  for (std::string k; std::getline(path, k, '.');) keys.push_back(k);
  YAML::Node value;
  try {
    value = YAML::Load(text.substr(eq + 1));
  } catch (const YAML::Exception& e) {
    *error = "override '" + text + "' has a bad value: " + e.what();
    return false;
  }
  std::vector<YAML::Node> chain{root};
  for (size_t i = 0; i + 1 < keys.size(); ++i) {
    YAML::Node next = chain.back()[keys[i]];
    if (!next.IsDefined() || next.IsNull()) next = YAML::Node(YAML::NodeType::Map);
    chain.push_back(next);
  }
  chain.back()[keys.back()] = value;
  for (size_t i = chain.size() - 1; i > 0; --i) chain[i - 1][keys[i - 1]] = chain[i];
  return true;
}

}  // namespace

physics::TrackerDegradation DegradationSettings::tracker_at(size_t level) const {
  const std::string& name =
      scenarios.empty() ? scenario : scenarios[std::min(level, scenarios.size() - 1)];
  physics::TrackerDegradation preset, extra;
  physics::tracker_scenario(name, &preset);  // checked when read; unknown: none
  extra.bias_rail_fraction = bias_rail;
  extra.ps_z_loss_fraction = ps_z_loss;
  extra.bad_strip_fraction = bad_strips;
  extra.dead_region = dead_region;
  extra.z0_shift_cm = z0_shift_cm;
  extra.pt_scale = pt_scale;
  extra.resolution_scale = resolution_scale;
  return physics::compose(preset, extra);
}

namespace {

bool read_scenario(const std::string& yaml_text, const std::vector<std::string>& overrides,
                   Scenario* out, std::string* error) {
  error->clear();
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    *error = std::string("config is not valid YAML: ") + e.what();
    return false;
  }
  if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  for (const auto& o : overrides) {
    if (!apply_override(root, o, error)) return false;
  }
  Scenario s;
  Section top(root, "", error);
  top.get("name", &s.name);
  read_endpoints(top.child("endpoints"), &s.endpoints);
  read_metrics(top.child("metrics"), &s.metrics);
  read_emulator(top.child("emulator"), &s.emulator);
  read_physics(top.child("physics"), &s.physics);
  read_degradation(top.child("degradation"), &s.degradation);
  read_model(top.child("model"), &s.model);
  read_inference(top.child("inference"), &s.inference);
  read_labeller(top.child("labeller"), &s.labeller);
  read_trainer(top.child("trainer"), &s.trainer);
  read_ceiling(top.child("ceiling"), &s.ceiling);
  read_drift(top.child("drift"), &s.drift);
  read_limits(top.child("limits"), &s.limits);
  read_security(top.child("security"), &s.security);
  top.child("timeline");  // marks the key as known; parsed by its own reader below
  if (error->empty() && root["timeline"] && !root["timeline"].IsNull()) {
    physics::TimelineSpec spec;
    if (!parse_timeline(root["timeline"], "timeline", &spec, error)) return false;
    s.timeline = std::move(spec);
  }
  top.finish();
  if (error->empty()) check_limits(s, top);
  if (!error->empty()) return false;
  *out = std::move(s);
  return true;
}

}  // namespace

bool parse_scenario(const std::string& yaml_text, const std::vector<std::string>& overrides,
                    Scenario* out, std::string* error) {
  // The readers check every node's kind before they read it; this is the net under them, for a
  // document shaped in a way none of them expected (found by tests/fuzz/scenario_fuzz.cc).
  try {
    return read_scenario(yaml_text, overrides, out, error);
  } catch (const YAML::Exception& e) {
    *error = std::string("config cannot be read: ") + e.what();
    return false;
  }
}

bool load_scenario(const std::string& path, const std::vector<std::string>& overrides,
                   Scenario* out, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot open config file '" + path + "'";
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), overrides, out, error);
}

}  // namespace l1t::config
