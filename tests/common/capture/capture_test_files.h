// Real capture files for the capture tests: sample records, writing them (with each record's
// offset), and reading or rewriting raw bytes.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "common/capture/capture_reader.h"
#include "common/capture/capture_writer.h"

namespace l1t::capture::test {

using Record = std::pair<std::string, std::string>;

// Records of varied topics and sizes, with bytes of every value (zeros, the marker's bytes too).
inline std::vector<Record> sample_records(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Record> out;
  for (size_t i = 0; i < n; ++i) {
    std::string payload(rng() % 5000, '\0');
    for (char& c : payload) c = static_cast<char>(rng() & 0xff);
    out.emplace_back(i % 2 == 0 ? "event" : "truth", std::move(payload));
  }
  return out;
}

inline std::string write_file(const std::string& path, const std::vector<Record>& records,
                              std::vector<uint64_t>* offsets = nullptr) {
  CaptureWriter w;
  std::string error;
  EXPECT_TRUE(w.open(path, {{"scenario", "test"}, {"seed", 7}}, &error)) << error;
  for (const auto& [topic, payload] : records) {
    if (offsets) offsets->push_back(w.bytes());
    EXPECT_TRUE(w.append(topic, payload, &error)) << error;
  }
  EXPECT_TRUE(w.close(&error)) << error;
  return path;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}
inline void spit(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

inline std::vector<Record> read_all(CaptureReader& r) {
  std::vector<Record> out;
  std::string topic, payload;
  while (r.next(&topic, &payload)) out.emplace_back(topic, payload);
  return out;
}

}  // namespace l1t::capture::test
