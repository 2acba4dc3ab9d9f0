#include "common/security/roles.h"

#include <algorithm>

#include "common/transport/envelope.h"

namespace l1t::security {

namespace {

struct Rule {
  std::string_view channel;
  std::string_view server;
  std::vector<std::string_view> clients;
};

// Bound channels by name as their binder calls them, then the connecting names that differ.
const std::vector<Rule>& rules() {
  static const std::vector<Rule> table = {
      {"events", "emulator", {"inference"}},
      {"truth", "emulator", {"labeller", "monitor", "capture"}},
      {"events_truth", "emulator", {"labeller"}},
      {"labels", "trainer", {"labeller"}},
      {"weights", "trainer", {"inference"}},
      {"control", "trainer", {"inference", "operator"}},
      {"decisions", "monitor", {"inference"}},
      {"accepts", "labeller", {"inference"}},
      {"label_copies", "labeller", {"inference"}},
  };
  return table;
}

const Rule* find(std::string_view channel) {
  for (const auto& r : rules()) {
    if (r.channel == channel) return &r;
  }
  return nullptr;
}

}  // namespace

const std::vector<std::string>& roles() {
  static const std::vector<std::string> all = {"emulator", "inference", "labeller", "trainer",
                                               "monitor",  "capture",   "operator"};
  return all;
}

bool is_role(std::string_view role) {
  return std::find(roles().begin(), roles().end(), role) != roles().end();
}

std::string role_of_process(std::string_view process) {
  if (process == "replay") return "emulator";
  return std::string(process);
}

std::string server_role(std::string_view channel) {
  const Rule* r = find(channel);
  return r ? std::string(r->server) : std::string();
}

bool may_connect(std::string_view channel, std::string_view role) {
  const Rule* r = find(channel);
  return r && std::find(r->clients.begin(), r->clients.end(), role) != r->clients.end();
}

bool may_send(std::string_view channel, std::string_view topic, std::string_view role) {
  if (!may_connect(channel, role)) return false;
  if (channel != "control") return true;
  // What inference nodes say to the trainer, and what only an operator may ask.
  if (topic == transport::kTopicSnapshot || topic == transport::kTopicHeartbeat ||
      topic == transport::kTopicAlarm) {
    return role == "inference";
  }
  // A rollback request, or the list of kept versions (the same message, version 0).
  if (topic == transport::kTopicRollback) return role == "operator";
  return false;
}

}  // namespace l1t::security
