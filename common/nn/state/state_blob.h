// What a learning component (algorithm, optimiser, strategy, the learner itself) carries from
// one step to the next, as a plain named list of float vectors and int64 vectors, so that a
// checkpoint can keep it without knowing the component. `name` says who wrote it: a blob is only
// loaded by a component of the same name, never reinterpreted by another.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace l1t::nn {

struct StateBlob {
  std::string name;  // the algorithm or strategy that wrote it ("adam", "ewc", ...)
  std::vector<std::pair<std::string, std::vector<float>>> floats;
  std::vector<std::pair<std::string, std::vector<int64_t>>> ints;

  void put(std::string key, std::vector<float> values);
  void put_ints(std::string key, std::vector<int64_t> values);
  void put_int(std::string key, int64_t value) { put_ints(std::move(key), {value}); }
  // A double kept bit for bit (its IEEE-754 bits in one int64).
  void put_double(std::string key, double value);

  // Null when the key is missing.
  const std::vector<float>* find(std::string_view key) const;
  const std::vector<int64_t>* find_ints(std::string_view key) const;
  // False with *error naming the blob and key when it is missing or not one value.
  bool get_int(std::string_view key, int64_t* value, std::string* error) const;
  bool get_double(std::string_view key, double* value, std::string* error) const;
  // The float vector under key, required to hold `size` values (any size if size is npos).
  const std::vector<float>* require(std::string_view key, size_t size, std::string* error) const;

  bool empty() const { return floats.empty() && ints.empty(); }
  // "adam{m[161] v[161] t=3}": for logs.
  std::string describe() const;

  bool operator==(const StateBlob&) const = default;
};

}  // namespace l1t::nn
