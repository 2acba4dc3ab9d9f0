// The wire form of a degradation state (v1::DegradationState) and back, in one place: the
// emulator encodes what it generated under, and whoever reads an event, a truth or a decision
// decodes it with the same rules.
#pragma once

#include <string>

#include "common/physics/track.h"
#include "l1t/v1/messages.pb.h"

namespace l1t::trigger {

// Every parameter, and the preset's name (physics::tracker_scenario_name) if the tracker state
// is one of the named scenarios ("" otherwise). Overwrites every field of *out.
void to_wire(const physics::DegradationState& state, v1::DegradationState* out);

// The parameters back. Scales of 0 read as 1: proto3 leaves unset doubles at 0, and a sender
// that never set them meant "no change". An unset smear_mode reads as relative, the only smear
// there was before the field. The wire's scenario name is not read: it follows from the
// parameters, which are what the physics uses. The additive smear's widths are not on the wire:
// they are the generator's constants (degradation.smear_widths), not the event's state.
// Nor is the bias-rail band's geometry (degradation.bias_rail_band). Field 4
// (bias_rail_fraction) from a sender older than ps_z_loss_fraction meant the PS z loss; it is
// read as the band loss, as chains run one build.
physics::DegradationState from_wire(const v1::DegradationState& wire);

// Bounds of a state a receiver accepts from the wire: far beyond any schedule this emulator
// runs (smear levels up to 0.10, scales near 1), close enough that a NaN, a negative width or
// a number that would make the physics meaningless is refused.
inline constexpr double kMaxWireSmear = 10;   // additive: 1000 steps (10 RMS); relative: 1000 %
inline constexpr double kMaxWireScale = 100;  // pt_scale, resolution_scale
inline constexpr double kMaxWireZ0ShiftCm = 100;
inline constexpr double kMaxWireEta = 10;
inline constexpr uint32_t kMaxWireLevel = 1 << 16;

// Whether a state from the wire is one the physics can mean: smear finite in [0, kMaxWireSmear],
// fractions in [0, 1], scales finite in (0, kMaxWireScale] (0, unset, reads as 1), z0 shift
// finite, dead region finite with |eta| <= kMaxWireEta and |phi| <= pi (an inverted range is
// the empty window), level <= kMaxWireLevel, smear_mode a known value. Else *why says which.
bool check_wire(const v1::DegradationState& wire, std::string* why);

// check_wire, then from_wire: false (and *out untouched) for a state that fails the check.
bool from_wire(const v1::DegradationState& wire, physics::DegradationState* out, std::string* why);

}  // namespace l1t::trigger
