#include "services/trainer/trainer_checkpoint.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/files/atomic_file.h"
#include "common/hash/fnv1a.h"
#include "common/nn/continual/continual_learner.h"
#include "common/nn/training/adam.h"
#include "common/runtime/fault_point.h"

namespace l1t::trainer {
namespace {

using nn::Adam;
using nn::Algorithm;
using nn::BackpropAlgorithm;
using nn::ContinualLearner;
using nn::FloatMlp;
using nn::ReplayBuffer;
using nn::StateBlob;
using nn::Strategy;

constexpr char kMagic[8] = {'L', '1', 'T', 'C', 'K', 'P', 'T', '\n'};
constexpr size_t kHeaderSize = 8 + 4 + 8 + 8;

class Writer {
 public:
  template <class T>
  void pod(T v) {
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void bytes(std::string_view s) {
    pod<uint64_t>(s.size());
    out_.append(s);
  }
  template <class T>
  void vec(const std::vector<T>& v) {
    pod<uint64_t>(v.size());
    out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  void record(const VersionRecord& r) {
    pod(r.version);
    bytes(r.model_update);
    pod(r.window_accuracy);
    pod(r.window_service_accuracy);
    pod(r.reference_accuracy);
    pod(r.reference_service_accuracy);
    pod(r.rollback_of);
  }
  void blob(const StateBlob& b) {
    bytes(b.name);
    pod<uint64_t>(b.floats.size());
    for (const auto& [key, values] : b.floats) {
      bytes(key);
      vec(values);
    }
    pod<uint64_t>(b.ints.size());
    for (const auto& [key, values] : b.ints) {
      bytes(key);
      vec(values);
    }
  }
  std::string& str() { return out_; }

 private:
  std::string out_;
};

// Bounds-checked reads: once anything is short, everything after fails.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool done() const { return ok_ && at_ == in_.size(); }
  template <class T>
  void pod(T* v) {
    if (!take(sizeof(T))) return;
    std::memcpy(v, in_.data() + at_ - sizeof(T), sizeof(T));
  }
  void bytes(std::string* s) {
    uint64_t n = 0;
    pod(&n);
    if (!ok_ || n > in_.size() - at_ || !take(n)) return;
    s->assign(in_.data() + at_ - n, n);
  }
  template <class T>
  void vec(std::vector<T>* v) {
    uint64_t n = 0;
    pod(&n);
    if (!ok_ || n > (in_.size() - at_) / sizeof(T) || !take(n * sizeof(T))) return;
    v->resize(n);
    std::memcpy(v->data(), in_.data() + at_ - n * sizeof(T), n * sizeof(T));
  }
  void record(VersionRecord* r) {
    pod(&r->version);
    bytes(&r->model_update);
    pod(&r->window_accuracy);
    pod(&r->window_service_accuracy);
    pod(&r->reference_accuracy);
    pod(&r->reference_service_accuracy);
    pod(&r->rollback_of);
  }
  void blob(StateBlob* b) {
    bytes(&b->name);
    uint64_t n = 0;
    pod(&n);
    // Every entry takes at least its two sizes, so a bad count runs out of bytes and stops.
    for (uint64_t i = 0; ok_ && i < n; ++i) {
      auto& [key, values] = b->floats.emplace_back();
      bytes(&key);
      vec(&values);
    }
    n = 0;
    pod(&n);
    for (uint64_t i = 0; ok_ && i < n; ++i) {
      auto& [key, values] = b->ints.emplace_back();
      bytes(&key);
      vec(&values);
    }
  }

 private:
  bool take(size_t n) {
    if (!ok_ || n > in_.size() - at_) return ok_ = false;
    at_ += n;
    return true;
  }
  std::string_view in_;
  size_t at_ = 0;
  bool ok_ = true;
};

std::string strategy_name(const Strategy* s) { return s != nullptr ? s->name() : "none"; }

}  // namespace

std::string encode_checkpoint(const TrainerCheckpoint& c) {
  Writer p;
  p.vec(c.sizes);
  p.vec(c.parameters);
  p.pod<uint8_t>(c.has_adam);
  p.pod(c.adam_t);
  p.vec(c.adam_m);
  p.vec(c.adam_v);
  p.pod(c.replay_capacity);
  p.pod(c.replay_seen);
  p.vec(c.replay_x);
  p.vec(c.replay_y);
  p.pod(c.samples_seen);
  p.pod(c.samples_trained);
  p.pod(c.steps);
  p.pod(c.version);
  p.pod(c.candidates_published);
  p.pod(c.candidates_rejected);
  p.record(c.frozen);
  p.pod<uint64_t>(c.versions.size());
  for (const auto& r : c.versions) p.record(r);
  p.blob(c.algorithm_state);
  p.blob(c.strategy_state);
  p.blob(c.learner_state);

  Writer out;
  out.str().append(kMagic, sizeof kMagic);
  out.pod(kCheckpointFormat);
  out.pod<uint64_t>(p.str().size());
  out.pod(hash::fnv1a(p.str()));
  out.str() += p.str();
  return std::move(out.str());
}

bool decode_checkpoint(std::string_view bytes, TrainerCheckpoint* c, std::string* error) {
  if (bytes.size() < kHeaderSize || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    *error = "not a trainer checkpoint (bad magic or shorter than its header)";
    return false;
  }
  Reader h(bytes.substr(sizeof kMagic));
  uint32_t format = 0;
  uint64_t size = 0, checksum = 0;
  h.pod(&format);
  h.pod(&size);
  h.pod(&checksum);
  if (format < 1 || format > kCheckpointFormat) {
    *error = "checkpoint format " + std::to_string(format) + ", this build reads formats 1 to " +
             std::to_string(kCheckpointFormat);
    return false;
  }
  const std::string_view payload = bytes.substr(kHeaderSize);
  if (payload.size() != size) {
    *error = "checkpoint truncated or padded: payload of " + std::to_string(payload.size()) +
             " bytes, header says " + std::to_string(size);
    return false;
  }
  if (hash::fnv1a(payload) != checksum) {
    *error = "checkpoint checksum mismatch (corrupt file)";
    return false;
  }
  TrainerCheckpoint t;
  t.format = format;
  Reader p(payload);
  p.vec(&t.sizes);
  p.vec(&t.parameters);
  uint8_t has_adam = 0;
  p.pod(&has_adam);
  t.has_adam = has_adam != 0;
  p.pod(&t.adam_t);
  p.vec(&t.adam_m);
  p.vec(&t.adam_v);
  p.pod(&t.replay_capacity);
  p.pod(&t.replay_seen);
  p.vec(&t.replay_x);
  p.vec(&t.replay_y);
  p.pod(&t.samples_seen);
  p.pod(&t.samples_trained);
  p.pod(&t.steps);
  p.pod(&t.version);
  p.pod(&t.candidates_published);
  p.pod(&t.candidates_rejected);
  p.record(&t.frozen);
  uint64_t n = 0;
  p.pod(&n);
  for (uint64_t i = 0; p.ok() && i < n; ++i) p.record(&t.versions.emplace_back());
  if (format >= 2) {
    p.blob(&t.algorithm_state);
    p.blob(&t.strategy_state);
    p.blob(&t.learner_state);
  }
  if (!p.done()) {
    *error = "checkpoint payload is malformed (fields do not add up to its size)";
    return false;
  }
  *c = std::move(t);
  return true;
}

bool write_checkpoint(const std::string& path, const TrainerCheckpoint& c, std::string* error) {
  // The fault tests kill the trainer here, its new checkpoint half written beside the old one.
  return files::write_atomically(path, encode_checkpoint(c), error,
                                 [] { runtime::fault_point("trainer.checkpoint"); });
}

bool read_checkpoint(const std::string& path, TrainerCheckpoint* c, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot open checkpoint " + path;
    return false;
  }
  std::stringstream s;
  s << in.rdbuf();
  if (!decode_checkpoint(s.str(), c, error)) {
    *error = path + ": " + *error;
    return false;
  }
  return true;
}

void capture_learner(ContinualLearner& learner, TrainerCheckpoint* c) {
  const FloatMlp& m = learner.model();
  c->format = kCheckpointFormat;
  c->sizes = m.sizes();
  c->parameters.resize(m.num_parameters());
  m.get_parameters(c->parameters.data());
  c->has_adam = false;  // format 1's fields: Adam's state is in algorithm_state now
  c->adam_t = 0;
  c->adam_m.clear();
  c->adam_v.clear();
  const ReplayBuffer& r = learner.replay();
  c->replay_capacity = r.capacity();
  c->replay_seen = r.seen();
  c->replay_x.resize(r.size() * r.width());
  c->replay_y.resize(r.size());
  for (size_t i = 0; i < r.size(); ++i) {
    std::copy_n(r.row(i), r.width(), c->replay_x.data() + i * r.width());
    c->replay_y[i] = r.label(i);
  }
  c->algorithm_state = StateBlob{};
  c->algorithm_state.name = learner.algorithm().name();
  learner.algorithm().save_state(&c->algorithm_state);
  c->strategy_state = StateBlob{};
  c->strategy_state.name = strategy_name(learner.strategy());
  if (learner.strategy() != nullptr) learner.strategy()->save_state(&c->strategy_state);
  c->learner_state = StateBlob{};
  learner.save_state(&c->learner_state);
}

namespace {

// Format 1: Adam's fields into an Adam learner; everything else of the learner stays fresh.
bool restore_format1(const TrainerCheckpoint& c, ContinualLearner* learner, std::string* error) {
  auto* backprop = dynamic_cast<BackpropAlgorithm*>(&learner->algorithm());
  auto* adam = backprop ? dynamic_cast<Adam*>(&backprop->optimizer()) : nullptr;
  if (c.has_adam && adam && !adam->set_state(learner->model(), c.adam_t, c.adam_m, c.adam_v)) {
    *error = "checkpoint Adam state does not fit the model";
    return false;
  }
  return true;
}

// The algorithm, strategy and learner blobs, all or none: when one part is refused the parts
// already loaded get their own previous state back.
bool restore_state(const TrainerCheckpoint& c, ContinualLearner* learner, std::string* error) {
  Algorithm& algorithm = learner->algorithm();
  Strategy* strategy = learner->strategy();
  const std::string strategy_runs = strategy_name(strategy);
  if (c.algorithm_state.name != algorithm.name()) {
    *error = "checkpoint holds the state of algorithm '" + c.algorithm_state.name +
             "', the learner runs '" + std::string(algorithm.name()) + "'";
    return false;
  }
  if (c.strategy_state.name != strategy_runs) {
    *error = "checkpoint holds the state of strategy '" + c.strategy_state.name +
             "', the learner runs '" + strategy_runs + "'";
    return false;
  }
  if (c.learner_state.name != "learner") {
    *error = "checkpoint learner state is named '" + c.learner_state.name + "', not 'learner'";
    return false;
  }
  const FloatMlp& m = learner->model();
  StateBlob algorithm_before, strategy_before;
  algorithm.save_state(&algorithm_before);
  if (strategy != nullptr) strategy->save_state(&strategy_before);
  std::string why, unused;
  if (!algorithm.load_state(m, c.algorithm_state, &why)) {
    *error = "checkpoint algorithm state: " + why;
    return false;
  }
  if (strategy != nullptr && !strategy->load_state(m, c.strategy_state, &why)) {
    algorithm.load_state(m, algorithm_before, &unused);
    *error = "checkpoint strategy state: " + why;
    return false;
  }
  if (!learner->load_state(c.learner_state, &why)) {
    algorithm.load_state(m, algorithm_before, &unused);
    if (strategy != nullptr) strategy->load_state(m, strategy_before, &unused);
    *error = "checkpoint " + why;
    return false;
  }
  return true;
}

}  // namespace

bool restore_learner(const TrainerCheckpoint& c, ContinualLearner* learner, std::string* error) {
  const FloatMlp& m = learner->model();
  if (c.sizes != m.sizes() || c.parameters.size() != m.num_parameters()) {
    *error = "checkpoint holds another architecture than the configured model";
    return false;
  }
  const ReplayBuffer& r = learner->replay();
  const size_t rows = c.replay_y.size();
  if (c.replay_x.size() != rows * r.width() || rows > r.capacity()) {
    *error = "checkpoint replay memory (" + std::to_string(rows) +
             " rows) does not fit the configured replay_capacity " + std::to_string(r.capacity());
    return false;
  }
  if (!(c.format < 2 ? restore_format1(c, learner, error) : restore_state(c, learner, error))) {
    return false;
  }
  learner->mutable_model().set_parameters(c.parameters.data());
  // ContinualLearner exposes its replay memory read-only; the object itself is not const, and
  // restoring it wholesale is what a checkpoint is for.
  const_cast<ReplayBuffer&>(r).restore(c.replay_x.data(), c.replay_y.data(), rows,
                                       std::max<uint64_t>(c.replay_seen, rows));
  return true;
}

}  // namespace l1t::trainer
