// Who may do what on which channel: the roles that hold keys, the role that binds each channel,
// the roles admitted to it and, on the trainer's control channel, which role may send each topic.
// The chain's architecture in one table (README "Security and failure behaviour").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace l1t::security {

// Every role with a key pair. l1t-replay takes the emulator's place and key; "operator" is whoever
// runs l1t-trainer --rollback-to / --list-versions.
const std::vector<std::string>& roles();
bool is_role(std::string_view role);
// The role a process authenticates as (its Device's process name): replay is the emulator.
std::string role_of_process(std::string_view process);

// The role that binds channel (a connecting process's channel name included: the labeller's
// "events_truth" is the emulator's truth); empty for a channel the table does not know.
std::string server_role(std::string_view channel);
// Whether a client authenticated as role may connect to the bound channel.
bool may_connect(std::string_view channel, std::string_view role);
// Whether role may send topic on channel (the control channel's topics are per role; on the
// other channels every admitted role may send what the channel carries).
bool may_send(std::string_view channel, std::string_view topic, std::string_view role);

}  // namespace l1t::security
