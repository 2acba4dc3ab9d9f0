// Helpers for the l1t-model tests: run the real binary, make model files, write temp files.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/nn/inference/fixed_model.h"
#include "common/nn/training/float_mlp.h"
#include "common/nn/training/quantise.h"
#include "common/transport/model_codec.h"

namespace l1t::model_tool::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_text(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A fresh directory for one test, removed afterwards unless the test failed (to look at).
struct TempDir {
  explicit TempDir(const std::string& tag) {
    std::string tmpl = "/tmp/l1t-model-test-" + tag + "-XXXXXX";
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    if (!::testing::Test::HasFailure()) std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path;
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs build/bin/l1t-model with args through the shell: stdout captured, stderr to a file.
inline RunResult run_tool(const std::vector<std::string>& args, const std::string& work_dir) {
  std::string cmd = shell_quote(std::string(L1T_BINARY_DIR) + "/bin/l1t-model");
  for (const auto& a : args) cmd += " " + shell_quote(a);
  const std::string err_path = work_dir + "/stderr.txt";
  cmd += " 2>" + shell_quote(err_path);
  RunResult r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) r.out.append(buf, n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = read_text(err_path);
  return r;
}

inline nn::FixedModel random_model(uint64_t seed) {
  return nn::quantise(nn::FloatMlp({5, 25, 30, 1}, seed));
}

inline void write_model(const nn::FixedModel& model, const std::string& path,
                        uint64_t version = 7) {
  v1::ModelUpdate u;
  transport::encode_model(model, &u);
  u.set_version(version);
  std::string error;
  ASSERT_TRUE(transport::write_model_file(path, u, &error)) << error;
}

}  // namespace l1t::model_tool::testing
