// Rate-limited logging of refusals: a flood of bad messages must not flood the log. At most one
// line per period and key (a channel and reason); the next line says how many were not logged.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace l1t::device {

class LogLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit LogLimiter(std::chrono::milliseconds period = std::chrono::seconds(1),
                      std::function<Clock::time_point()> now = Clock::now)
      : period_(period), now_(std::move(now)) {}

  // True when a line for key may be written now; then *suppressed is the number of lines not
  // written for key since the last one. Keys are the program's own (not a peer's), so few.
  bool allow(std::string_view key, uint64_t* suppressed) {
    const auto now = now_();
    auto it = windows_.find(key);
    if (it != windows_.end() && now - it->second.last < period_) {
      ++it->second.suppressed;
      return false;
    }
    *suppressed = it == windows_.end() ? 0 : it->second.suppressed;
    if (it == windows_.end()) it = windows_.emplace(std::string(key), Window{}).first;
    it->second = {now, 0};
    return true;
  }

 private:
  struct Window {
    Clock::time_point last;
    uint64_t suppressed = 0;
  };
  std::chrono::milliseconds period_;
  std::function<Clock::time_point()> now_;
  std::map<std::string, Window, std::less<>> windows_;
};

}  // namespace l1t::device
