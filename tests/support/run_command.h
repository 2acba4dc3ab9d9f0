// Runs a shell command for a test: its exit status (as pclose gives it) and everything it wrote
// to stdout and stderr.
#pragma once

#include <cstdio>
#include <string>

namespace l1t::testing {

inline int run_command(const std::string& command, std::string* output) {
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  output->clear();
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) output->append(buf, n);
  return ::pclose(p);
}

}  // namespace l1t::testing
