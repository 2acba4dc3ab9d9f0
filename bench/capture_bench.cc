// What recording and replaying a stream costs: appending records to a capture file and reading
// them back, at the size of a PU-200 event (about 3.6 KB of track words) and of its truth
// (about 300 bytes). Files go to /tmp and are rewritten per run.
//   build/bench/capture_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <string>

#include "common/capture/capture_reader.h"
#include "common/capture/capture_writer.h"

namespace l1t::capture {
namespace {

std::string temp_path(const char* tag) {
  return "/tmp/l1t-capture-bench-" + std::string(tag) + "-" + std::to_string(getpid());
}

std::string payload_of(size_t bytes) {
  std::string p(bytes, '\0');
  for (size_t i = 0; i < bytes; ++i) p[i] = static_cast<char>(i * 131 + 7);
  return p;
}

void BM_CaptureAppend(benchmark::State& state) {
  const std::string path = temp_path("append");
  const std::string payload = payload_of(static_cast<size_t>(state.range(0)));
  CaptureWriter w;
  std::string error;
  if (!w.open(path, {{"tool", "capture_bench"}}, &error)) state.SkipWithError(error.c_str());
  for (auto _ : state) {
    if (!w.append("event", payload, &error)) state.SkipWithError(error.c_str());
  }
  w.close(&error);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  unlink(path.c_str());
}
BENCHMARK(BM_CaptureAppend)->Arg(300)->Arg(3600);

void BM_CaptureRead(benchmark::State& state) {
  const std::string path = temp_path("read");
  const std::string payload = payload_of(static_cast<size_t>(state.range(0)));
  constexpr int kRecords = 2000;
  {
    CaptureWriter w;
    std::string error;
    if (!w.open(path, {{"tool", "capture_bench"}}, &error)) state.SkipWithError(error.c_str());
    for (int i = 0; i < kRecords; ++i) w.append("event", payload, &error);
    w.close(&error);
  }
  std::string topic, got, error;
  int64_t records = 0;
  for (auto _ : state) {
    CaptureReader r;
    if (!r.open(path, &error)) state.SkipWithError(error.c_str());
    while (r.next(&topic, &got)) ++records;
  }
  if (records != static_cast<int64_t>(state.iterations()) * kRecords) {
    state.SkipWithError("records lost on reading");
  }
  state.SetBytesProcessed(records * state.range(0));
  state.SetItemsProcessed(records);
  unlink(path.c_str());
}
BENCHMARK(BM_CaptureRead)->Arg(300)->Arg(3600)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace l1t::capture
