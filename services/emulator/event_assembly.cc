#include "services/emulator/event_assembly.h"

#include <utility>

#include "common/physics/track_word.h"
#include "common/trigger/degradation_codec.h"

namespace l1t::emulator {

EventAssembly::EventAssembly(UnixClock now) : now_(std::move(now)) {}

void EventAssembly::stamp(transport::HeaderStamper& stamper, v1::Header* header) {
  stamper.stamp(header);
  header->set_sent_unix_ns(now_());  // the assembly's clock, so that a test can fix the bytes
}

void EventAssembly::assemble(uint64_t index, const config::EventConditions& at,
                             const physics::GeneratedEvent& ev) {
  const physics::TimePoint& when = at.time;
  event_.Clear();
  stamp(event_stamp_, event_.mutable_header());
  event_.set_event_id(index + 1);
  event_.set_run(when.run);
  event_.set_fill(when.fill);
  event_.set_lumisection(when.lumisection);
  event_.set_integrated_lumi_pb(when.integrated_lumi_pb);
  event_.set_pileup_mean(when.pileup_mean);
  event_.set_timestamp_ns(now_());  // the latency reference of the decisions
  trigger::to_wire(at.degradation, event_.mutable_degradation());
  event_.set_n_tracks(static_cast<uint32_t>(ev.tracks.size()));
  physics::pack_tracks(ev.tracks, event_.mutable_track_words());
  event_.SerializeToString(&event_payload_);

  truth_.Clear();
  stamp(truth_stamp_, truth_.mutable_header());
  truth_.set_event_id(index + 1);
  truth_.set_pv_z0(ev.pv_z0);
  *truth_.mutable_degradation() = event_.degradation();
  std::string* origin = truth_.mutable_origin();
  origin->resize(ev.origin.size());
  for (size_t t = 0; t < ev.origin.size(); ++t) (*origin)[t] = static_cast<char>(ev.origin[t]);
  truth_.mutable_track_pt()->Reserve(static_cast<int>(ev.tracks.size()));
  truth_.mutable_track_phi()->Reserve(static_cast<int>(ev.tracks.size()));
  for (const physics::Track& t : ev.tracks) {  // already at track-word precision
    truth_.add_track_pt(static_cast<float>(t.pt()));
    truth_.add_track_phi(static_cast<float>(t.phi0));
  }
  if (ev.true_z0.size() == ev.tracks.size()) {
    truth_.mutable_track_true_z0()->Add(ev.true_z0.begin(), ev.true_z0.end());
  }
  truth_.set_minimum_bias(ev.minimum_bias);
  truth_.SerializeToString(&truth_payload_);
}

v1::Heartbeat EventAssembly::end_of_run(std::string_view state, uint64_t events) {
  v1::Heartbeat beat;
  stamp(beat_stamp_, beat.mutable_header());
  beat.set_process("emulator");
  beat.set_state(std::string(state));
  beat.set_messages_out(events);
  return beat;
}

}  // namespace l1t::emulator
