#include "common/experiment/experiences.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cstdio>

#include "common/experiment/seeds.h"
#include "common/physics/degradation_schedule.h"
#include "common/physics/tracker_degradation.h"

namespace l1t::experiment {

std::string experience_group_names() { return "smear, tracker"; }

bool experience_sequence(const std::vector<std::string>& groups, std::vector<ExperienceSpec>* out,
                         std::string* error) {
  std::vector<ExperienceSpec> specs;
  for (const auto& g : groups) {
    if (g == "smear") {
      const auto schedule = physics::default_degradation_schedule(1);
      for (size_t i = 0; i < schedule.smear_levels.size(); ++i) {
        ExperienceSpec s;
        char name[32];
        std::snprintf(name, sizeof name, "smear %.2f", schedule.smear_levels[i]);
        s.name = name;
        s.group = "smear";
        s.tracker = "none";
        s.state.level = static_cast<int>(i);
        s.state.smear = schedule.smear_levels[i];
        specs.push_back(s);
      }
    } else if (g == "tracker") {
      for (size_t i = 0; i < physics::kTrackerScenarioNames.size(); ++i) {
        ExperienceSpec s;
        s.tracker = std::string(physics::kTrackerScenarioNames[i]);
        s.name = "tracker " + s.tracker;
        s.group = "tracker";
        s.state.level = static_cast<int>(i);
        physics::tracker_scenario(s.tracker, &s.state.tracker);
        specs.push_back(s);
      }
    } else {
      *error = "unknown experience group '" + g + "' (known: " + experience_group_names() + ")";
      return false;
    }
  }
  if (specs.empty()) {
    *error = "no experiences: name at least one group (" + experience_group_names() + ")";
    return false;
  }
  *out = std::move(specs);
  return true;
}

physics::GeneratorConfig signal_sample(const physics::GeneratorConfig& g) {
  physics::GeneratorConfig signal = g;
  // Every event a tt-bar hard scatter, whatever the scenario's mix (experiences.h says why).
  signal.hard_scatter_fraction = 1.0;
  return signal;
}

std::vector<ExperienceData> make_experiences(const std::vector<ExperienceSpec>& specs,
                                             const physics::GeneratorConfig& generator,
                                             const DataSizes& sizes, uint64_t seed, int threads) {
  const physics::GeneratorConfig signal = signal_sample(generator);
  std::vector<ExperienceData> data(specs.size());
  for (size_t e = 0; e < specs.size(); ++e) data[e].spec = specs[e];
  // Train and test sets as separate jobs: 2 * T independent generators.
  tbb::task_arena arena(std::max(threads, 1));
  arena.execute([&] {
    tbb::parallel_for(size_t{0}, 2 * specs.size(), [&](size_t job) {
      const size_t e = job / 2;
      const bool test = job % 2 == 1;
      // Every test set is the same collisions, measured under its experience's conditions:
      // differences between experiences are then the detector's, not sampling noise.
      physics::EventGenerator gen(signal, test ? derive_seed(seed, "experience-test")
                                               : derive_seed(seed, "experience-train", e));
      auto set = trigger::make_training_set(gen, test ? sizes.test_events : sizes.train_events,
                                            specs[e].state);
      (test ? data[e].test : data[e].train) = std::move(set);
    });
  });
  return data;
}

trigger::TrainingSet make_undegraded_set(const physics::GeneratorConfig& generator, int n_events,
                                         uint64_t seed, const std::string& stream) {
  physics::EventGenerator gen(signal_sample(generator), derive_seed(seed, stream));
  return trigger::make_training_set(gen, n_events, {});
}

}  // namespace l1t::experiment
