#include "services/trainer/version_history.h"

namespace l1t::trainer {

void VersionHistory::add(VersionRecord record) {
  kept_.push_back(std::move(record));
  while (kept_.size() > keep_) kept_.pop_front();
}

const VersionRecord* VersionHistory::find(uint64_t version) const {
  for (const auto& r : kept_) {
    if (r.version == version) return &r;
  }
  return frozen_.version == version ? &frozen_ : nullptr;
}

std::string VersionHistory::list() const {
  std::string s = std::to_string(frozen_.version);
  for (const auto& r : kept_) {
    if (r.version != frozen_.version) s += " " + std::to_string(r.version);
  }
  return s;
}

void VersionHistory::describe(v1::RollbackReply* reply) const {
  auto add = [&](const VersionRecord& r) {
    auto* k = reply->add_kept();
    k->set_version(r.version);
    k->set_rollback_of(r.rollback_of);
    v1::ModelUpdate u;
    if (u.ParseFromString(r.model_update)) {
      k->set_samples_seen(u.samples_seen());
      k->set_created_unix_ns(u.created_unix_ns());
    }
    k->set_window_accuracy(r.window_accuracy);
    k->set_window_service_accuracy(r.window_service_accuracy);
    k->set_reference_accuracy(r.reference_accuracy);
    k->set_reference_service_accuracy(r.reference_service_accuracy);
  };
  add(frozen_);
  for (const auto& r : kept_) {
    if (r.version != frozen_.version) add(r);
  }
}

VersionRecord make_record(const v1::ModelUpdate& update, double window_acc,
                          double window_service_acc, double reference_acc,
                          double reference_service_acc) {
  VersionRecord r;
  r.version = update.version();
  r.rollback_of = update.rollback_of();
  update.SerializeToString(&r.model_update);
  r.window_accuracy = window_acc;
  r.window_service_accuracy = window_service_acc;
  r.reference_accuracy = reference_acc;
  r.reference_service_accuracy = reference_service_acc;
  return r;
}

}  // namespace l1t::trainer
