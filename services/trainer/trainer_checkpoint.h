// The trainer's state on disk, so that a trainer killed at any moment restarts where it was:
// float master weights, the learner's whole state (the algorithm's: SGD's velocity, Adam's or
// AM-Adam's moments and step count; the strategy's: EWC's Fisher, window and anchor, LwF's
// teacher; the learner's own: replay memory and random states, rows waiting for a step),
// counters, the version counter and the last published versions.
//
// File layout (little-endian): "L1TCKPT\n", u32 format version, u64 payload size, u64 FNV-1a 64
// of the payload, payload. Written to a temporary file, fsync'ed, then renamed over the old one,
// so a reader sees the old checkpoint or the new one, never a mix. A file with another magic,
// format, size or checksum is refused as a whole with a message saying which.
//
// Format 2 appends the algorithm, strategy and learner state blobs to format 1's payload and
// leaves format 1's Adam fields empty. Format 1 files still load: their Adam fields restore an
// Adam learner; everything else of the learner starts afresh, as it did then.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/nn/state/state_blob.h"

namespace l1t::nn {
class ContinualLearner;
}  // namespace l1t::nn

// The trainer's service state (versions, gate counters) lives here, beside the trainer; the
// learner's own state comes from common/nn as StateBlobs.
namespace l1t::trainer {

inline constexpr uint32_t kCheckpointFormat = 2;

// One published weight version.
struct VersionRecord {
  uint64_t version = 0;
  std::string model_update;  // serialised l1t.v1.ModelUpdate, kept as bytes in the file
  // The gate's accuracies when it was published: candidate and the model it replaced, on the
  // held-out window and on the reference set (zero when not checked, e.g. base or rollback).
  double window_accuracy = 0, window_service_accuracy = 0;
  double reference_accuracy = 0, reference_service_accuracy = 0;
  uint64_t rollback_of = 0;  // non-zero: a rollback republishing this version's weights
};

struct TrainerCheckpoint {
  uint32_t format = kCheckpointFormat;  // of the file it was read from
  std::vector<int> sizes;               // layer sizes, input first
  std::vector<float> parameters;        // FloatMlp::get_parameters order
  // Format 1 only (format 2 keeps Adam's state in algorithm_state): Adam's t, m and v.
  bool has_adam = false;
  int64_t adam_t = 0;
  std::vector<float> adam_m, adam_v;
  uint64_t replay_capacity = 0;
  uint64_t replay_seen = 0;
  std::vector<float> replay_x, replay_y;
  uint64_t samples_seen = 0, samples_trained = 0, steps = 0;
  uint64_t version = 0;  // the latest version published; a restart continues above it
  uint64_t candidates_published = 0, candidates_rejected = 0;
  VersionRecord frozen;                 // version 1, the starting model, never retrained
  std::vector<VersionRecord> versions;  // the last K published, oldest first; back() in service
  // Format 2: the learner's state, each blob named after what wrote it.
  nn::StateBlob algorithm_state;  // "sgd", "adam" or "am-adam" (with or without QAT)
  nn::StateBlob strategy_state;   // "ewc", "lwf", or "none" without a strategy
  nn::StateBlob learner_state;    // "learner": ContinualLearner::save_state
};

std::string encode_checkpoint(const TrainerCheckpoint& c);
bool decode_checkpoint(std::string_view bytes, TrainerCheckpoint* c, std::string* error);

// Atomic: temp file + fsync + rename + fsync of the directory.
bool write_checkpoint(const std::string& path, const TrainerCheckpoint& c, std::string* error);
// *c is only written when the whole file checks out.
bool read_checkpoint(const std::string& path, TrainerCheckpoint* c, std::string* error);

// Model, replay memory and the algorithm, strategy and learner state of a learner into *c, and
// back. Counters and versions are the caller's. restore refuses the whole checkpoint (and leaves
// the learner as it was) on any mismatch: architecture, replay capacity, the algorithm's or the
// strategy's name, a missing or wrongly sized tensor; *error names what did not match.
void capture_learner(nn::ContinualLearner& learner, TrainerCheckpoint* c);
bool restore_learner(const TrainerCheckpoint& c, nn::ContinualLearner* learner, std::string* error);

}  // namespace l1t::trainer
