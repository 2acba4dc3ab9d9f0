// The experiences of a continual-learning study: detector conditions in the order the detector
// goes through them, each with its own training stream and test set of labelled tracks.
//
// Groups, concatenated in the order given:
//   smear    the seed study's eleven steps, Gaussian smear s = 0, 1 %, ..., 10 %
//   tracker  the five outer-tracker scenarios (none, bri, bri+1bs, bri+5bs, bri+10bs), no smear
// The tracker scenarios change the data only once the generator models them
// (physics::DegradationState::tracker); until then they are five undegraded experiences.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/nn/training/float_mlp.h"
#include "common/physics/event_generator.h"
#include "common/physics/track.h"
#include "common/trigger/training_data.h"

namespace l1t::experiment {

struct ExperienceSpec {
  std::string name;     // "smear 0.03", "tracker bri+5bs"
  std::string group;    // "smear" | "tracker"
  std::string tracker;  // scenario name ("none" for smear steps)
  physics::DegradationState state;
};

// "smear, tracker": for error messages.
std::string experience_group_names();

// The experiences of the named groups, in order; false with a reason naming an unknown group.
bool experience_sequence(const std::vector<std::string>& groups, std::vector<ExperienceSpec>* out,
                         std::string* error);

struct ExperienceData {
  ExperienceSpec spec;
  trigger::TrainingSet train;  // the stream the learner sees
  trigger::TrainingSet test;   // held out: collisions no stream has, the same in every experience
};

struct DataSizes {
  int train_events = 0;
  int test_events = 0;
};

// The generator configuration every experiment's data are made with: g with
// hard_scatter_fraction = 1. The studies measure PV-track efficiency and train on the signal
// sample, a tt-bar hard scatter in every event; a scenario may mix in minimum-bias events (the
// trigger-rate sample, hard_scatter_fraction < 1), whose "primary" vertex is one more
// minimum-bias interaction: in the training and test sets those would be labelled primary
// although no trigger wants them, and the mix would change the numbers of every suite.
physics::GeneratorConfig signal_sample(const physics::GeneratorConfig& g);

// Generates every experience's data (from signal_sample(generator)), experiences in parallel on up
// to `threads` threads. Each experience's stream has its own generator seeded from seed, so the
// data do not depend on the thread count and two streams never share collisions. The test sets are
// one set of collisions, measured under each experience's conditions (the generator keeps
// collisions apart from their measurement): a paired comparison, so a step between experiences is
// the detector's change, not a change of sample.
std::vector<ExperienceData> make_experiences(const std::vector<ExperienceSpec>& specs,
                                             const physics::GeneratorConfig& generator,
                                             const DataSizes& sizes, uint64_t seed, int threads);

// Undegraded labelled tracks (signal_sample(generator)) from n_events events of the named stream
// ("pretrain", "convergence-train", ...): what pre-training, convergence and speed runs use.
trigger::TrainingSet make_undegraded_set(const physics::GeneratorConfig& generator, int n_events,
                                         uint64_t seed, const std::string& stream);

}  // namespace l1t::experiment
