#include "common/device/validate.h"

#include <cmath>

#include "common/trigger/degradation_codec.h"

namespace l1t::device {
namespace {

bool refuse(Refusal* out, std::string_view reason, std::string detail) {
  out->reason = reason;
  out->detail = std::move(detail);
  return false;
}

bool degradation_ok(const v1::DegradationState& d, Refusal* out) {
  std::string why;
  return trigger::check_wire(d, &why) || refuse(out, "degradation", why);
}

bool tracks_ok(uint64_t n, const config::Limits& limits, const char* what, Refusal* out) {
  if (n <= static_cast<uint64_t>(limits.max_tracks_per_event)) return true;
  return refuse(out, "too_many_tracks",
                std::to_string(n) + " " + what + ", limits.max_tracks_per_event is " +
                    std::to_string(limits.max_tracks_per_event));
}

bool number_ok(const char* name, uint32_t v, uint32_t max, Refusal* out) {
  if (v <= max) return true;
  return refuse(out, "event_numbers",
                std::string(name) + " " + std::to_string(v) + " is beyond limits.max_" + name +
                    " " + std::to_string(max));
}

}  // namespace

bool validate(const v1::Event& m, const config::Limits& limits, Refusal* out) {
  if (!tracks_ok(m.n_tracks(), limits, "tracks", out)) return false;
  if (!number_ok("run", m.run(), limits.max_run, out) ||
      !number_ok("fill", m.fill(), limits.max_fill, out) ||
      !number_ok("lumisection", m.lumisection(), limits.max_lumisection, out)) {
    return false;
  }
  for (double v : {m.pileup_mean(), m.integrated_lumi_pb()}) {
    if (!std::isfinite(v) || v < 0) {
      return refuse(out, "event_numbers",
                    "pile-up or luminosity " + std::to_string(v) + " is not finite and >= 0");
    }
  }
  return degradation_ok(m.degradation(), out);
}

bool validate(const v1::Truth& m, const config::Limits& limits, Refusal* out) {
  if (!tracks_ok(m.origin().size(), limits, "origins", out)) return false;
  for (char o : m.origin()) {
    if (!v1::Origin_IsValid(static_cast<unsigned char>(o))) {
      return refuse(out, "origin",
                    "origin " + std::to_string(static_cast<unsigned char>(o)) + " is not known");
    }
  }
  if (!std::isfinite(m.pv_z0())) return refuse(out, "truth", "pv_z0 is not finite");
  if (m.track_true_z0_size() != 0 &&
      static_cast<size_t>(m.track_true_z0_size()) != m.origin().size()) {
    return refuse(out, "truth",
                  "track_true_z0 has " + std::to_string(m.track_true_z0_size()) + " entries for " +
                      std::to_string(m.origin().size()) + " tracks");
  }
  for (float z : m.track_true_z0()) {  // NaN: a fake, no true vertex
    if (std::isinf(z) || std::abs(z) > 1000) {
      return refuse(out, "truth", "track_true_z0 " + std::to_string(z) + " is not a z in cm");
    }
  }
  return degradation_ok(m.degradation(), out);
}

bool validate(const v1::Decision& m, const config::Limits& limits, Refusal* out) {
  if (!tracks_ok(static_cast<uint64_t>(std::max(m.score_live_size(), m.score_frozen_size())),
                 limits, "scores", out)) {
    return false;
  }
  if (m.last_drift_alarm().size() > 64) {
    return refuse(out, "decision", "last_drift_alarm is longer than 64 bytes");
  }
  return degradation_ok(m.degradation(), out);
}

bool validate(const v1::LabelledBatch& m, const config::Limits&, Refusal* out) {
  return degradation_ok(m.degradation(), out);
}

}  // namespace l1t::device
