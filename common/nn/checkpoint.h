// The trainer's state on disk, so that a trainer killed at any moment restarts where it was:
// float master weights, optimiser state (Adam m, v, t), replay memory, counters, the version
// counter and the last published versions.
//
// File layout (little-endian): "L1TCKPT\n", u32 format version, u64 payload size, u64 FNV-1a 64
// of the payload, payload. Written to a temporary file, fsync'ed, then renamed over the old one,
// so a reader sees the old checkpoint or the new one, never a mix. A file with another magic,
// format, size or checksum is refused as a whole with a message saying which.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace l1t::nn {

class ContinualLearner;

inline constexpr uint32_t kCheckpointFormat = 1;

// One published weight version.
struct VersionRecord {
  uint64_t version = 0;
  std::string model_update;  // serialised l1t.v1.ModelUpdate (common/nn does not link protobuf)
  // The gate's accuracies when it was published: candidate and the model it replaced, on the
  // held-out window and on the reference set (zero when not checked, e.g. base or rollback).
  double window_accuracy = 0, window_service_accuracy = 0;
  double reference_accuracy = 0, reference_service_accuracy = 0;
  uint64_t rollback_of = 0;  // non-zero: a rollback republishing this version's weights
};

struct TrainerCheckpoint {
  std::vector<int> sizes;         // layer sizes, input first
  std::vector<float> parameters;  // FloatMlp::get_parameters order
  bool has_adam = false;          // SGD's momentum is not kept: it restarts from zero
  int64_t adam_t = 0;
  std::vector<float> adam_m, adam_v;
  uint64_t replay_capacity = 0;
  uint64_t replay_seen = 0;
  std::vector<float> replay_x, replay_y;
  uint64_t samples_seen = 0, samples_trained = 0, steps = 0;
  uint64_t version = 0;  // the latest version published; a restart continues above it
  uint64_t candidates_published = 0, candidates_rejected = 0;
  VersionRecord base;                   // version 1, the starting model
  std::vector<VersionRecord> versions;  // the last K published, oldest first; back() in service
};

std::string encode_checkpoint(const TrainerCheckpoint& c);
bool decode_checkpoint(std::string_view bytes, TrainerCheckpoint* c, std::string* error);

// Atomic: temp file + fsync + rename + fsync of the directory.
bool write_checkpoint(const std::string& path, const TrainerCheckpoint& c, std::string* error);
// *c is only written when the whole file checks out.
bool read_checkpoint(const std::string& path, TrainerCheckpoint* c, std::string* error);

// Model, Adam state and replay memory of a learner into *c, and back. Counters and versions are
// the caller's. restore refuses (and leaves the learner alone) on any mismatch of shape.
void capture_learner(ContinualLearner& learner, TrainerCheckpoint* c);
bool restore_learner(const TrainerCheckpoint& c, ContinualLearner* learner, std::string* error);

}  // namespace l1t::nn
