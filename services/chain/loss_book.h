// What a run lost, counted exactly from the ids of its events rather than from any process's
// own counters (a process killed with SIGKILL reports nothing): every event's truth, which the
// emulator sends to this monitor, and decision, which an inference node sends; and the label
// rows the labeller makes of the events seen, drawn as it draws them (trigger::LabelDraws),
// against those the trainer learnt from. Also whether any node's model version went back.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/config/scenario.h"
#include "common/trigger/label_sampling.h"
#include "l1t/v1/messages.pb.h"

namespace l1t::chain {

class LossBook {
 public:
  explicit LossBook(const config::LabellerSettings& labeller)
      : sampling_(trigger::label_sampling(labeller)) {}

  void on_truth(const v1::Truth& truth);
  void on_decision(const v1::Decision& decision);

  // The highest event id whose truth came: where a restarted emulator goes on.
  uint64_t last_event_id() const { return last_id_; }
  uint64_t events_seen() const { return events_seen_; }
  uint64_t label_rows_expected() const { return label_rows_expected_; }
  // Decisions whose model version is below one the same node decided with before.
  uint64_t versions_back() const { return versions_back_; }

  // planned: the events the run should have had; decided: joined with their truth (both
  // halves whole); learnt: label rows the trainer took in, over all its incarnations.
  nlohmann::json json(uint64_t planned, uint64_t decided, uint64_t learnt) const;

 private:
  trigger::LabelSampling sampling_;
  std::vector<bool> seen_;     // by event id: about 1 bit per event of the run
  std::vector<bool> decided_;  // the same for decisions (offline labels only)
  uint64_t last_id_ = 0, events_seen_ = 0, label_rows_expected_ = 0, versions_back_ = 0;
  uint64_t out_of_range_ = 0;
  std::map<std::string, uint64_t> version_of_node_;  // a few nodes
};

}  // namespace l1t::chain
