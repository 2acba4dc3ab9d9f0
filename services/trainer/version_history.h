// The weight versions a trainer has published: the frozen model (version 1, always kept) and the last K
// others with the gate's numbers, so that any of them can be served again by a rollback.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

#include "l1t/v1/messages.pb.h"
#include "services/trainer/trainer_checkpoint.h"

namespace l1t::trainer {

class VersionHistory {
 public:
  explicit VersionHistory(size_t keep) : keep_(keep == 0 ? 1 : keep) {}

  void set_frozen(VersionRecord frozen) { frozen_ = std::move(frozen); }
  // Appends the newest version, forgetting the oldest beyond K.
  void add(VersionRecord record);
  // The kept version, or null; version 1 is the frozen model.
  const VersionRecord* find(uint64_t version) const;

  const VersionRecord& frozen() const { return frozen_; }
  const std::deque<VersionRecord>& kept() const { return kept_; }
  std::string list() const;  // "1 7 8 9", for messages
  // Base and kept versions, oldest first, for the rollback command.
  void describe(v1::RollbackReply* reply) const;

 private:
  size_t keep_;
  VersionRecord frozen_;
  std::deque<VersionRecord> kept_;
};

// The record of a published update, with the gate's numbers when it was judged.
VersionRecord make_record(const v1::ModelUpdate& update, double window_acc = 0,
                              double window_service_acc = 0, double reference_acc = 0,
                              double reference_service_acc = 0);

}  // namespace l1t::trainer
