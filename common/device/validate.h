// What a decoded message must mean before any handler sees it, beyond parsing and the schema
// version: the checks every input of every process takes (README "Wire contract"). A message
// that fails is rejected with the reason, never handed on.
#pragma once

#include <string>
#include <string_view>

#include "common/config/scenario.h"
#include "l1t/v1/messages.pb.h"

namespace l1t::device {

struct Refusal {
  std::string_view reason;  // the metric's label: "degradation", "too_many_tracks", ...
  std::string detail;       // for the log
};

// Event: degradation (trigger::check_wire), run/fill/lumisection within limits
// ("event_numbers"), n_tracks <= limits.max_tracks_per_event ("too_many_tracks"), pile-up and
// luminosity finite and >= 0 ("event_numbers").
bool validate(const v1::Event& m, const config::Limits& limits, Refusal* out);
// Truth: degradation, at most max_tracks_per_event origins ("too_many_tracks"), each a known
// Origin ("origin"), pv_z0 finite ("truth").
bool validate(const v1::Truth& m, const config::Limits& limits, Refusal* out);
// Decision: degradation, at most max_tracks_per_event scores of each model ("too_many_tracks").
bool validate(const v1::Decision& m, const config::Limits& limits, Refusal* out);
// LabelledBatch: degradation. (Shape, finite features and labels: the trainer's own checks.)
bool validate(const v1::LabelledBatch& m, const config::Limits& limits, Refusal* out);
// Every other message: nothing beyond decoding (weights take trigger::check_model_update).
template <class M>
bool validate(const M&, const config::Limits&, Refusal*) {
  return true;
}

}  // namespace l1t::device
