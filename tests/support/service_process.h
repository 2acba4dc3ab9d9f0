// Starts one real service binary for a test, on ephemeral ports, and waits for its ready file.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "common/runtime/child_process.h"
#include "common/runtime/process_options.h"
#include "tests/support/test_keys.h"

namespace l1t::testing {

inline std::string binary(const std::string& name) {
  return std::string(L1T_BINARY_DIR) + "/bin/" + name;
}
inline std::string default_config() {
  return std::string(L1T_SOURCE_DIR) + "/configs/default.yaml";
}

// A fresh directory for one test's files.
inline std::string temp_dir(const std::string& tag) {
  std::string tmpl = "/tmp/l1t-test-" + tag + "-XXXXXX";
  return mkdtemp(tmpl.data());
}

struct Service {
  explicit Service(std::string n) : name(std::move(n)) {}
  std::string name;
  std::string dir;
  runtime::ChildProcess child;
  nlohmann::json ready;

  // Starts l1t-<name> with the default config plus overrides; fails the test if not ready.
  void start(const std::vector<std::string>& overrides, const std::string& work_dir) {
    dir = work_dir;
    const std::string ready_file = dir + "/" + name + ".ready.json";
    std::filesystem::remove(ready_file);  // a killed earlier run's would be read as this one's
    std::vector<std::string> argv{binary("l1t-" + name),
                                  "--config",
                                  default_config(),
                                  "--ready-file",
                                  ready_file,
                                  "--stats-json",
                                  dir + "/" + name + ".stats.json"};
    argv.insert(argv.end(), {"--set", "security.keys_dir=" + keys_dir()});
    for (const auto& o : overrides) argv.insert(argv.end(), {"--set", o});
    std::string error;
    ASSERT_TRUE(child.start(argv, dir + "/" + name + ".log", &error)) << error;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
      if (std::filesystem::exists(ready_file) && runtime::read_json_file(ready_file, &ready))
        return;
      ASSERT_TRUE(child.running()) << name << " exited early; log in " << dir;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL() << name << " never became ready; log in " << dir;
  }
  int metrics_port() const { return ready.value("metrics_port", 0); }
  std::string endpoint(const std::string& key) const { return ready["endpoints"][key]; }
  nlohmann::json stats() const {
    nlohmann::json s;
    runtime::read_json_file(dir + "/" + name + ".stats.json", &s);
    return s;
  }
};

}  // namespace l1t::testing
