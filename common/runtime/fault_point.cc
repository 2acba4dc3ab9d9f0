#include "common/runtime/fault_point.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <csignal>
#include <cstdlib>
#include <string>

namespace l1t::runtime {

namespace {

struct KillAt {
  std::string name;  // empty: no fault asked for
  long long after = 1;
  long long hits = 0;
};

KillAt parse() {
  KillAt k;
  const char* v = std::getenv(kKillAtVariable);
  if (v == nullptr || *v == '\0') return k;
  const std::string_view text(v);
  const size_t colon = text.rfind(':');
  k.name = std::string(text.substr(0, colon));
  if (colon != std::string_view::npos) {
    const std::string_view n = text.substr(colon + 1);
    auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), k.after);
    if (ec != std::errc() || end != n.data() + n.size() || k.after < 1) {
      spdlog::error("{}={}: not NAME[:N] with N >= 1; no fault injected", kKillAtVariable, v);
      k.name.clear();
    }
  }
  return k;
}

}  // namespace

void fault_point(std::string_view name) {
  static KillAt k = parse();
  if (k.name.empty() || name != k.name || ++k.hits < k.after) return;
  spdlog::warn("{}={}:{}: killing this process with SIGKILL now", kKillAtVariable, k.name, k.after);
  spdlog::default_logger()->flush();
  std::raise(SIGKILL);
}

}  // namespace l1t::runtime
