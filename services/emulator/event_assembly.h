// One generated crossing as the emulator sends it, without sockets: the Event (header, run,
// fill, lumisection, luminosity, pile-up, degradation, packed track words) for the inference
// nodes and the subscribers, and the Truth (vertex, per-track origin, degradation) for the
// labeller and the monitors, both serialised once. The end-of-run heartbeat too.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/config/run_plan.h"
#include "common/physics/track.h"
#include "common/transport/envelope.h"
#include "l1t/v1/messages.pb.h"

namespace l1t::emulator {

class EventAssembly {
 public:
  // Unix time in ns for the headers' send times and the events' timestamps; tests fix it.
  using UnixClock = std::function<int64_t()>;
  explicit EventAssembly(UnixClock now = transport::unix_now_ns);

  // Builds and serialises the messages of the run's event `index` (event id index + 1),
  // generated as `ev` under `at` (config::RunPlan::at(index)). Replaces the previous ones.
  void assemble(uint64_t index, const config::EventConditions& at,
                const physics::GeneratedEvent& ev);

  const v1::Event& event() const { return event_; }
  const v1::Truth& truth() const { return truth_; }
  const std::string& event_payload() const { return event_payload_; }
  const std::string& truth_payload() const { return truth_payload_; }

  // Tells subscribers the run is over: state "finished", "stopped" or "failed", and how many
  // events it had.
  v1::Heartbeat end_of_run(std::string_view state, uint64_t events);

 private:
  void stamp(transport::HeaderStamper& stamper, v1::Header* header);

  UnixClock now_;
  // One sequence per topic, as receivers count gaps per sender and topic.
  transport::HeaderStamper event_stamp_{"emulator"}, truth_stamp_{"emulator"},
      beat_stamp_{"emulator"};
  v1::Event event_;
  v1::Truth truth_;
  std::string event_payload_, truth_payload_;
};

}  // namespace l1t::emulator
