// Every wire message through what a process does with a peer's bytes: decode (topic, parse,
// schema version) then the Device's semantic validation; weights also through the model codec
// and the inference node's update check. The first byte picks the message.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/device/validate.h"
#include "common/transport/envelope.h"
#include "common/transport/model_codec.h"
#include "common/trigger/checked_model.h"

using namespace l1t;

namespace {

template <class M>
void through(std::string_view topic, std::string_view payload) {
  M m;
  if (transport::decode(topic, topic, payload, &m) != transport::Reject::kOk) return;
  device::Refusal refusal;
  (void)device::validate(m, config::Limits{}, &refusal);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view payload(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 9) {
    case 0:
      through<v1::Event>(transport::kTopicEvent, payload);
      break;
    case 1:
      through<v1::Truth>(transport::kTopicTruth, payload);
      break;
    case 2:
      through<v1::Decision>(transport::kTopicDecision, payload);
      break;
    case 3:
      through<v1::LabelledBatch>(transport::kTopicLabels, payload);
      break;
    case 4:
      through<v1::Heartbeat>(transport::kTopicHeartbeat, payload);
      break;
    case 5:
      through<v1::DriftAlarm>(transport::kTopicAlarm, payload);
      break;
    case 6:
      through<v1::SnapshotRequest>(transport::kTopicSnapshot, payload);
      break;
    case 7:
      through<v1::RollbackRequest>(transport::kTopicRollback, payload);
      break;
    case 8: {
      v1::ModelUpdate u;
      if (transport::decode(transport::kTopicWeights, transport::kTopicWeights, payload, &u) !=
          transport::Reject::kOk) {
        break;
      }
      nn::FixedModel model;
      std::string error;
      (void)transport::decode_model(u, &model, &error);
      trigger::CheckedModel checked;
      (void)trigger::check_model_update(u, nullptr, 0, &checked, &error);
      (void)trigger::refusal_reason(u);
      break;
    }
  }
  return 0;
}
