// The wall clock the suites time themselves with, injectable so tests control time.
#pragma once

#include <chrono>
#include <functional>

namespace l1t::experiment {

// Seconds since an arbitrary, fixed origin; must not go backwards.
using SecondsClock = std::function<double()>;

inline double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace l1t::experiment
