// l1t-chain --restart: notices a process that died (any exit before the chain stops it, but the
// emulator's and the capture's exit 0 at their end of run), starts it again after a back-off,
// with the endpoints it had, up to a number of times, and keeps the record of every death for
// the summary. Without --restart a death ends the run, as before.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "services/chain/launcher.h"

namespace l1t::chain {

class Supervisor {
 public:
  using Clock = std::chrono::steady_clock;

  Supervisor(Launcher& launcher, const Options& o, Clock::time_point t0)
      : launcher_(launcher), restart_(o.restart), max_restarts_(o.max_restarts), t0_(t0) {}

  // restartable: false where a new incarnation cannot go on from the old one's work (a
  // replay, a capture file); its death is recorded and the chain goes on without it.
  // ends_itself: an exit 0 is its end of run, not a death.
  void watch(Service* s, bool restartable, bool ends_itself);
  // One turn of the chain's loop: false with *failure when a process died and cannot be
  // started again (no --restart, its restarts used up, or a restart that failed).
  bool check(Clock::time_point now, std::string* failure);
  // Whether s is dead now (not restarted, or not yet back): its exit code at the end is that
  // death's, which is on record, not a failure to stop.
  bool down(const Service* s) const;
  // {"restart": bool, "restarts": {name: n}, "deaths": [{process, exit_code, at_s, down_s,
  // restarted}]}
  nlohmann::json json() const;

 private:
  enum class State { kRunning, kDown, kStarting, kEnded, kGone };
  struct Watched {
    Service* s;
    bool restartable, ends_itself;
    State state = State::kRunning;
    Clock::time_point since;  // of the current down time
    Clock::time_point restart_at;
    int restarts = 0;
  };
  struct Death {
    std::string process;
    int exit_code;
    double at_s, down_s = -1;  // -1: never back
    bool restarted;
  };
  // A death of w (exit code) at now: schedules its restart or says why it cannot be.
  bool on_death(Watched& w, int code, Clock::time_point now, std::string* failure);

  Launcher& launcher_;
  bool restart_;
  int max_restarts_;
  Clock::time_point t0_;
  std::vector<Watched> watched_;
  std::vector<Death> deaths_;
};

}  // namespace l1t::chain
