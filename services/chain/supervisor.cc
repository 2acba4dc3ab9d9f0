#include "services/chain/supervisor.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace l1t::chain {

namespace {

// Quick for the first restart, slower for a process that keeps dying.
std::chrono::milliseconds backoff(int restarts) {
  return std::chrono::milliseconds(std::min(200 << std::min(restarts, 5), 5000));
}

}  // namespace

void Supervisor::watch(Service* s, bool restartable, bool ends_itself) {
  watched_.push_back(Watched{s, restartable, ends_itself});
}

bool Supervisor::on_death(Watched& w, int code, Clock::time_point now, std::string* failure) {
  const std::string& name = w.s->name;
  const bool again = restart_ && w.restartable && w.restarts < max_restarts_;
  deaths_.push_back(Death{name, code, std::chrono::duration<double>(now - t0_).count(), -1, again});
  if (!restart_) {
    *failure = name + " died with code " + std::to_string(code) + "; see " + w.s->log_file;
    return false;
  }
  if (!w.restartable) {
    spdlog::warn("chain: {} died with code {} and is not restarted (see {}); the chain goes on",
                 name, code, w.s->log_file);
    w.state = State::kGone;
    return true;
  }
  if (!again) {
    *failure = name + " died with code " + std::to_string(code) + " after " +
               std::to_string(w.restarts) + " restarts; see " + w.s->log_file;
    return false;
  }
  w.state = State::kDown;
  w.since = now;
  w.restart_at = now + backoff(w.restarts);
  spdlog::warn("chain: {} died with code {} (see {}); restarting it in {} ms", name, code,
               w.s->log_file,
               std::chrono::duration_cast<std::chrono::milliseconds>(w.restart_at - now).count());
  return true;
}

bool Supervisor::check(Clock::time_point now, std::string* failure) {
  for (Watched& w : watched_) {
    Service& s = *w.s;
    switch (w.state) {
      case State::kRunning:
        if (auto code = s.child.exit_code()) {
          if (*code == 0 && w.ends_itself) {
            w.state = State::kEnded;
          } else if (!on_death(w, *code, now, failure)) {
            return false;
          }
        }
        break;
      case State::kDown:
        if (now < w.restart_at) break;
        ++w.restarts;
        s.incarnation = w.restarts;
        if (std::string why; !launcher_.spawn(s, &why)) {
          *failure = "cannot restart " + s.name + ": " + why;
          return false;
        }
        w.state = State::kStarting;
        break;
      case State::kStarting: {
        std::string why;
        switch (launcher_.poll_ready(s, &why)) {
          case Launcher::Readiness::kReady:
            w.state = State::kRunning;
            for (auto it = deaths_.rbegin(); it != deaths_.rend(); ++it) {
              if (it->process == s.name) {
                it->down_s = std::chrono::duration<double>(now - w.since).count();
                break;
              }
            }
            break;
          case Launcher::Readiness::kFailed:
            if (!on_death(w, s.child.exit_code().value_or(-1), now, failure)) return false;
            break;
          case Launcher::Readiness::kWaiting:
            if (now - w.since > std::chrono::seconds(120)) {
              *failure = s.name + " did not become ready after its restart; see " + s.log_file;
              return false;
            }
            break;
        }
        break;
      }
      case State::kEnded:
      case State::kGone:
        break;
    }
  }
  return true;
}

bool Supervisor::down(const Service* s) const {
  for (const Watched& w : watched_) {
    if (w.s == s)
      return w.state == State::kGone || w.state == State::kDown || w.state == State::kStarting;
  }
  return false;
}

nlohmann::json Supervisor::json() const {
  nlohmann::json restarts = nlohmann::json::object(), deaths = nlohmann::json::array();
  for (const Watched& w : watched_) restarts[w.s->name] = w.restarts;
  for (const Death& d : deaths_) {
    deaths.push_back({{"process", d.process},
                      {"exit_code", d.exit_code},
                      {"at_s", d.at_s},
                      {"down_s", d.down_s < 0 ? nlohmann::json() : nlohmann::json(d.down_s)},
                      {"restarted", d.restarted}});
  }
  return {{"restart", restart_}, {"restarts", restarts}, {"deaths", deaths}};
}

}  // namespace l1t::chain
