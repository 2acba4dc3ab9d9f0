// The one check every weight update takes on its way into service, wherever it enters: it
// decodes (shapes, precisions, weight ranges, checksum), it has the footprint of the model in
// service (same architecture and every precision), and it is newer than the version in service.
// What passes is a CheckedModel: the decoded weights, so nothing downstream decodes again.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/nn/inference/fixed_model.h"
#include "l1t/v1/messages.pb.h"

namespace l1t::trigger {

struct CheckedModel {
  uint64_t version = 0;
  uint32_t activate_at_fill = 0;       // 0: at once; else at the first event of that fill or later
  double working_point_threshold = 0;  // the update's, checked to lie in [0, 1]; 0: none
  nn::FixedModel model;
};

enum class Verdict { kAccepted, kStale, kRejected };

// What every weight set must pass, whatever its version (a rollback republishes an old one, a
// restart reloads its own): it decodes and has deployed's footprint (nullptr: any footprint).
Verdict check_model_weights(const v1::ModelUpdate& update, const nn::FixedModel* deployed,
                            CheckedModel* out, std::string* why);

// check_model_weights, and newer than deployed_version: how an update enters service. On
// kStale and kRejected, why says what was wrong.
Verdict check_model_update(const v1::ModelUpdate& update, const nn::FixedModel* deployed,
                           uint64_t deployed_version, CheckedModel* out, std::string* why);

// What was wrong with an update that failed check_model_weights, as a metric's reason:
// "precision" (a layer's weight or bias precision does not parse), "weight_range" (a raw weight
// or bias outside the integer range of its declared precision: ap_fixed<16,6> holds
// [-32768, 32767]), else "model" (shape, checksum, footprint and the rest). decode_model refuses
// all of them already; this only names the cause, so that the counters tell them apart.
std::string_view refusal_reason(const v1::ModelUpdate& update);

}  // namespace l1t::trigger
