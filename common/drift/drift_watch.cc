#include "common/drift/drift_watch.h"

#include <cmath>
#include <mutex>

#include "common/drift/adwin.h"
#include "common/drift/ddm.h"
#include "common/drift/hddm_a.h"
#include "common/drift/page_hinkley.h"
#include "common/drift/threshold_calibration.h"

namespace l1t::drift {
namespace {

constexpr size_t kLevelEvents = 500;  // each level's sample, from its first events

// The calibrated thresholds of the default target (1e6 events / 50-event blocks = 20,000
// blocks), as calibrated_threshold computes them; tests/common/drift/drift_watch_test.cc checks
// that the simulation still gives these, so a process need not simulate at start.
constexpr double kDefaultTargetBlocks = 20000;
constexpr double kTypicalErrorRate = 0.05;
// The error-bit detectors' default target: 10^6 events x 8 bits each x 0.4 of events labelled.
constexpr double kDefaultTargetBits = 3.2e6;
// Error bits a model sees before the next swap, as calibrated for: 500 labelled events.
constexpr uint64_t kBitsPerModel = 4000;
constexpr double kDdmDefault = 5.414;    // sigmas, after 500 bits (River: 3, after 30)
constexpr double kHddmADefault = 2.936;  // drift confidence 0.0012 (River: 0.001)
constexpr double kPageHinkleyDefault = 164.52;
constexpr double kAdwinDefault = 1.0644;  // delta = 0.086: River's 0.002 is far quieter

std::unique_ptr<Detector> make_at(const std::string& name, double threshold) {
  if (name == "ddm") {  // the threshold is the drift level in sigmas; warning at two thirds
    DdmSettings s;
    // River's 30 values estimate a 5 % error rate from one or two errors, and DDM then calls
    // drift on the next unlucky few; 500 make the minimum it compares with worth comparing.
    s.warm_start = 500;
    s.drift_threshold = threshold;
    s.warning_threshold = 2 * threshold / 3;
    return std::make_unique<Ddm>(s);
  }
  if (name == "hddm_a") {  // the threshold is -log10(drift confidence)
    HddmASettings s;
    s.drift_confidence = std::pow(10.0, -threshold);
    s.warning_confidence = std::min(0.5, 5 * s.drift_confidence);
    return std::make_unique<HddmA>(s);
  }
  if (name == "page_hinkley") {
    PageHinkleySettings s;
    s.threshold = threshold;
    return std::make_unique<PageHinkley>(s);
  }
  if (name == "adwin") {  // the threshold is -log10(delta)
    AdwinSettings s;
    s.delta = std::pow(10.0, -threshold);
    s.warning_delta = std::min(0.5, 100 * s.delta);
    return std::make_unique<Adwin>(s);
  }
  return nullptr;
}

}  // namespace

double simulate_threshold(const std::string& detector, double target_run) {
  CalibrationSettings s;
  s.target_run = target_run;
  s.iterations = 20;
  const bool bits = detector == "ddm" || detector == "hddm_a";
  // Error-bit detectors' false alarms come in rare bursts: a longer stream, so that the few
  // alarms at the answer are not one lucky realisation.
  if (bits) {
    s.stream_length = static_cast<uint64_t>(10 * target_run);
    s.reset_every = kBitsPerModel;
  }
  s.low = detector == "ddm" ? 1 : 0;
  s.high = detector == "adwin" || detector == "hddm_a" ? 30 : detector == "ddm" ? 30 : 2000;
  std::normal_distribution<double> normal;
  // Error bits at the live model's typical error rate on tracks, else a unit Gaussian.
  std::bernoulli_distribution error(kTypicalErrorRate);
  return calibrate_threshold(
             [&](double t) { return make_at(detector, t); },
             [&](std::mt19937_64& rng) { return bits ? (error(rng) ? 1.0 : 0.0) : normal(rng); }, s)
      .threshold;
}

double calibrated_threshold(const std::string& detector, double target_run) {
  if (detector == "page_hinkley" && target_run == kDefaultTargetBlocks) return kPageHinkleyDefault;
  if (detector == "adwin" && target_run == kDefaultTargetBlocks) return kAdwinDefault;
  if (detector == "ddm" && target_run == kDefaultTargetBits) return kDdmDefault;
  if (detector == "hddm_a" && target_run == kDefaultTargetBits) return kHddmADefault;
  static std::mutex mutex;
  static std::map<std::pair<std::string, double>, double> cache;
  std::lock_guard lock(mutex);
  auto [it, added] = cache.try_emplace({detector, target_run}, 0.0);
  if (added) it->second = simulate_threshold(detector, target_run);
  return it->second;
}

double error_bit_target(const WatchSettings& s) {
  return s.false_alarm_events * static_cast<double>(s.label_tracks_per_event) * 0.4;
}

std::unique_ptr<Detector> make_watch_detector(const std::string& name, double target_run) {
  if (name != "page_hinkley" && name != "adwin" && name != "ddm" && name != "hddm_a")
    return nullptr;
  return make_at(name, calibrated_threshold(name, target_run));
}

void DriftWatch::Sample::add(double x) {
  if (values.size() < capacity) {
    values.push_back(x);
  } else if (ring && capacity > 0) {
    values[next] = x;
    next = (next + 1) % capacity;
  }
}

DriftWatch::DriftWatch(const WatchSettings& s)
    : s_(s),
      target_run_blocks_(s.false_alarm_events /
                         static_cast<double>(std::max<size_t>(s.block_events, 1))),
      undegraded_(make_samples(s.reference_events, false)),
      model_(make_samples(s.reference_events, false)),
      window_(make_samples(s.window_events, true)) {
  for (Signal& sig : signals_) {
    for (const std::string& name : s_.detectors) {
      if (auto d = make_watch_detector(name, target_run_blocks_))
        sig.detectors.push_back(std::move(d));
    }
    sig.alarms.assign(sig.detectors.size(), 0);
    sig.states.assign(sig.detectors.size(), DriftLevel::kOk);
  }
}

DriftWatch::FeatureSamples DriftWatch::make_samples(size_t events, bool ring) const {
  FeatureSamples out;
  for (size_t f = 0; f < out.size(); ++f) {
    out[f].capacity = f < kTrackFeatures ? events * s_.tracks_per_event : events;
    out[f].ring = ring;
    out[f].values.reserve(out[f].capacity);
  }
  return out;
}

void DriftWatch::add(FeatureSamples& s, const EventInputs& in) const {
  const size_t n = in.scores.size();
  const size_t take = std::min(n, s_.tracks_per_event);
  for (size_t t = 0; t < take; ++t) {
    for (size_t f = 0; f < 5; ++f) s[f].add(in.features[t * 5 + f]);
    s[5].add(in.scores[t]);
  }
  s[6].add(static_cast<double>(n));
  s[7].add(in.vertex_z);
}

void DriftWatch::start_model(uint64_t version) {
  version_ = version;
  // The model reference is retaken from this swap unless one is being taken: weights that change
  // every few hundred events would otherwise never complete one. Until it is complete, the last
  // complete one stands.
  if (!model_filling_) {
    model_next_ = make_samples(s_.reference_events, false);
    model_filling_ = true;
  }
  // The model's own outputs start afresh; its inputs do not depend on it, so their detectors
  // go on (reset too, they would never finish a reference when weights change every few
  // hundred events).
  for (size_t i = 0; i < kModelSignals; ++i) {
    Signal& sig = signals_[i];
    for (auto& d : sig.detectors) d->reset();
    std::fill(sig.states.begin(), sig.states.end(), DriftLevel::kOk);
    sig.block_sum = 0;
    sig.block_n = 0;
    sig.reference_blocks = 0;
    sig.ref_mean = sig.ref_m2 = 0;
  }
}

void DriftWatch::observe(const EventInputs& in) {
  const size_t n = in.scores.size();
  if (in.features.size() != n * 5) return;  // the caller's bug: nothing to read
  if (!started_ || in.model_version != version_) start_model(in.model_version);
  started_ = true;
  ++events_;
  add(undegraded_, in);
  if (model_filling_) {
    add(model_next_, in);
    if (model_next_[0].full() && model_next_[6].full()) {
      model_ = std::move(model_next_);
      model_next_ = {};
      model_filling_ = false;
    }
  }
  add(window_, in);
  auto level = levels_.find(in.level);
  if (level == levels_.end() && levels_.size() < s_.max_levels) {
    level = levels_.emplace(in.level, make_samples(kLevelEvents, false)).first;
  }
  if (level != levels_.end()) add(level->second, in);

  // The event's signals, summed into the block.
  std::array<double, 5> feature_mean{};
  double score_mean = 0;
  for (size_t t = 0; t < n; ++t) {
    for (size_t f = 0; f < 5; ++f) feature_mean[f] += in.features[t * 5 + f];
    score_mean += in.scores[t];
  }
  const double inv = n > 0 ? 1.0 / static_cast<double>(n) : 0.0;
  event_values_ = {score_mean * inv,       in.accept ? 1.0 : 0.0, in.disagreement,
                   static_cast<double>(n), in.vertex_z,           feature_mean[0] * inv,
                   feature_mean[1] * inv,  feature_mean[2] * inv, feature_mean[3] * inv,
                   feature_mean[4] * inv};
  for (size_t i = 0; i < signals_.size(); ++i) {
    signals_[i].block_sum += event_values_[i];
    ++signals_[i].block_n;
  }
  if (++in_block_ >= s_.block_events) end_block(in);
}

void DriftWatch::end_block(const EventInputs& in) {
  const size_t reference_blocks = std::max<size_t>(s_.reference_events / s_.block_events, 2);
  for (size_t i = 0; i < signals_.size(); ++i) {
    Signal& sig = signals_[i];
    if (sig.block_n == 0) continue;
    const double m = sig.block_sum / static_cast<double>(sig.block_n);
    sig.block_sum = 0;
    sig.block_n = 0;
    if (sig.reference_blocks < reference_blocks) {
      ++sig.reference_blocks;
      const double d = m - sig.ref_mean;
      sig.ref_mean += d / static_cast<double>(sig.reference_blocks);
      sig.ref_m2 += d * (m - sig.ref_mean);
      continue;
    }
    const double var = sig.ref_m2 / static_cast<double>(sig.reference_blocks - 1);
    // A signal constant in the reference (phi's mean over a symmetric tracker, say, at a few
    // tracks) gets a floor rather than an infinite z.
    const double sigma = std::max(std::sqrt(var), 1e-9 + 1e-6 * std::abs(sig.ref_mean));
    const double z = (m - sig.ref_mean) / sigma;
    for (size_t k = 0; k < sig.detectors.size(); ++k) {
      const DriftLevel level = sig.detectors[k]->update(z);
      sig.states[k] = level;
      if (level != DriftLevel::kDrift) continue;
      ++sig.alarms[k];
      ++alarms_total_;
      if (alarms_.size() < s_.max_alarms) {
        alarms_.push_back({std::string(sig.detectors[k]->name()), kWatchedSignals[i], in.event_id,
                           in.model_version, in.level, level});
      }
    }
  }
  in_block_ = 0;
}

std::vector<FeatureDistance> DriftWatch::distances() const {
  std::vector<FeatureDistance> out;
  for (size_t f = 0; f < kWatchedFeatures.size(); ++f) {
    for (FeatureDistance& d : distances(f)) out.push_back(std::move(d));
  }
  return out;
}

std::vector<FeatureDistance> DriftWatch::distances(size_t f) const {
  std::vector<FeatureDistance> out;
  if (f >= kWatchedFeatures.size() || window_[f].values.empty()) return out;
  for (const auto& [name, ref] : {std::pair{"undegraded", &undegraded_}, {"model", &model_}}) {
    if (!(*ref)[f].full()) continue;
    out.push_back(
        {kWatchedFeatures[f], name, drift::distances((*ref)[f].values, window_[f].values)});
  }
  return out;
}

std::vector<DetectorState> DriftWatch::detectors() const {
  std::vector<DetectorState> out;
  for (size_t i = 0; i < signals_.size(); ++i) {
    const Signal& sig = signals_[i];
    for (size_t k = 0; k < sig.detectors.size(); ++k) {
      out.push_back({std::string(sig.detectors[k]->name()), kWatchedSignals[i],
                     sig.detectors[k]->statistic(), sig.detectors[k]->threshold(), sig.states[k],
                     sig.alarms[k]});
    }
  }
  return out;
}

namespace {
nlohmann::json distances_json(const Distances& d) {
  return {{"wasserstein_normed", d.wasserstein_normed},
          {"psi", d.psi},
          {"ks_statistic", d.ks_statistic},
          {"ks_p_value", d.ks_p_value},
          // Evidently's call for samples above 1,000: the normed Wasserstein distance. The KS
          // p-value is not the call here: a crossing's tracks share its vertex, so they are
          // not independent draws and the p-value is far too small.
          {"drifted", d.wasserstein_normed >= kWassersteinThreshold}};
}
}  // namespace

nlohmann::json DriftWatch::level_json() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [level, samples] : levels_) {
    nlohmann::json features = nlohmann::json::object();
    for (size_t f = 0; f < kWatchedFeatures.size(); ++f) {
      if (undegraded_[f].values.empty() || samples[f].values.empty()) continue;
      features[kWatchedFeatures[f]] =
          distances_json(drift::distances(undegraded_[f].values, samples[f].values));
    }
    out[std::to_string(level)] = features;
  }
  return out;
}

nlohmann::json DriftWatch::json() const {
  nlohmann::json alarms = nlohmann::json::array();
  for (const WatchAlarm& a : alarms_) {
    alarms.push_back({{"detector", a.detector},
                      {"signal", a.signal},
                      {"event", a.event},
                      {"model_version", a.model_version},
                      {"level", a.level}});
  }
  return {{"events", events_},
          {"alarms_total", alarms_total_},
          {"alarms", alarms},
          {"false_alarm_events", s_.false_alarm_events},
          {"block_events", s_.block_events},
          {"levels", level_json()}};
}

}  // namespace l1t::drift
