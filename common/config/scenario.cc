#include "common/config/scenario.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

namespace l1t::config {
namespace {

// Reads one YAML map strictly: typed fields, each checked, and every key accounted for.
class Section {
 public:
  Section(YAML::Node node, std::string path, std::string* error)
      : node_(node), path_(std::move(path)), error_(error) {
    if (node_ && !node_.IsNull() && !node_.IsMap()) fail(path_, "must be a map");
  }

  bool ok() const { return error_->empty(); }

  Section child(const std::string& key) {
    seen_.insert(key);
    return Section(node_ ? node_[key] : YAML::Node(), join(key), error_);
  }

  template <class T>
  void get(const std::string& key, T* value) {
    seen_.insert(key);
    if (!ok() || !node_ || !node_.IsMap() || !node_[key]) return;
    try {
      *value = node_[key].as<T>();
    } catch (const YAML::Exception&) {
      fail(join(key), "has a value of the wrong type: '" + scalar(node_[key]) + "'");
    }
  }

  // Reports keys that nobody asked for: a typo must not be ignored silently.
  void finish() {
    if (!ok() || !node_ || !node_.IsMap()) return;
    for (const auto& kv : node_) {
      const std::string key = kv.first.as<std::string>();
      if (!seen_.count(key)) {
        fail(join(key), "is not a known key");
        return;
      }
    }
  }

  void fail(const std::string& key, const std::string& why) {
    if (error_->empty()) *error_ = "config key '" + key + "' " + why;
  }
  std::string join(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

 private:
  static std::string scalar(const YAML::Node& n) {
    std::ostringstream s;
    s << n;
    return s.str();
  }

  YAML::Node node_;
  std::string path_;
  std::string* error_;
  std::set<std::string> seen_;
};

void check(bool condition, Section& s, const std::string& key, const std::string& why) {
  if (!condition) s.fail(s.join(key), why);
}

void read_endpoints(Section s, Endpoints* e) {
  for (auto [key, field] : {std::pair{"events", &e->events},
                            {"truth", &e->truth},
                            {"decisions", &e->decisions},
                            {"labels", &e->labels},
                            {"weights", &e->weights},
                            {"snapshot", &e->snapshot}}) {
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
  s.finish();
}

void read_degradation(Section s, DegradationSettings* d) {
  s.get("smear_levels", &d->smear_levels);
  check(!d->smear_levels.empty(), s, "smear_levels", "must list at least one level");
  for (double v : d->smear_levels) {
    check(v >= 0 && v <= 1, s, "smear_levels", "values must be in [0, 1]");
  }
  s.get("events_per_level", &d->events_per_level);
  check(d->events_per_level > 0, s, "events_per_level", "must be > 0");
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
  s.get("score_threshold", &i->score_threshold);
  check(i->score_threshold > 0 && i->score_threshold < 1, s, "score_threshold",
        "must be in (0, 1)");
  s.get("accept_ht_gev", &i->accept_ht_gev);
  s.finish();
}

void read_labeller(Section s, LabellerSettings* l) {
  s.get("seed", &l->seed);
  s.get("fraction", &l->fraction);
  check(l->fraction > 0 && l->fraction <= 1, s, "fraction", "must be in (0, 1]");
  s.get("delay_ms", &l->delay_ms);
  check(l->delay_ms >= 0, s, "delay_ms", "must be >= 0");
  s.get("label_noise", &l->label_noise);
  check(l->label_noise >= 0 && l->label_noise < 0.5, s, "label_noise", "must be in [0, 0.5)");
  s.finish();
}

void read_trainer(Section s, TrainerSettings* t) {
  s.get("seed", &t->seed);
  s.get("algorithm", &t->algorithm);
  check(t->algorithm == "adam" || t->algorithm == "sgd", s, "algorithm",
        "must be one of: adam, sgd (got '" + t->algorithm + "')");
  s.get("strategy", &t->strategy);
  check(t->strategy == "replay" || t->strategy == "naive" || t->strategy == "none", s, "strategy",
        "must be one of: replay, naive, none (got '" + t->strategy + "')");
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

bool parse_scenario(const std::string& yaml_text, const std::vector<std::string>& overrides,
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
  read_degradation(top.child("degradation"), &s.degradation);
  read_model(top.child("model"), &s.model);
  read_inference(top.child("inference"), &s.inference);
  read_labeller(top.child("labeller"), &s.labeller);
  read_trainer(top.child("trainer"), &s.trainer);
  top.finish();
  if (!error->empty()) return false;
  *out = std::move(s);
  return true;
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
