// The weight versions a trainer has published: the base (version 1, always kept) and the last K
// others with the gate's numbers, so that any of them can be served again by a rollback.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

#include "common/nn/checkpoint.h"
#include "l1t/v1/messages.pb.h"

namespace l1t::trainer {

class VersionHistory {
 public:
  explicit VersionHistory(size_t keep) : keep_(keep == 0 ? 1 : keep) {}

  void set_base(nn::VersionRecord base) { base_ = std::move(base); }
  // Appends the newest version, forgetting the oldest beyond K.
  void add(nn::VersionRecord record);
  // The kept version, or null; version 1 is the base.
  const nn::VersionRecord* find(uint64_t version) const;

  const nn::VersionRecord& base() const { return base_; }
  const std::deque<nn::VersionRecord>& kept() const { return kept_; }
  std::string list() const;  // "1 7 8 9", for messages
  // Base and kept versions, oldest first, for the rollback command.
  void describe(v1::RollbackReply* reply) const;

 private:
  size_t keep_;
  nn::VersionRecord base_;
  std::deque<nn::VersionRecord> kept_;
};

// The record of a published update, with the gate's numbers when it was judged.
nn::VersionRecord make_record(const v1::ModelUpdate& update, double window_acc = 0,
                              double window_service_acc = 0, double reference_acc = 0,
                              double reference_service_acc = 0);

}  // namespace l1t::trainer
