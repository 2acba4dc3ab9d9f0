#include "common/nn/state/state_blob.h"

#include <bit>

namespace l1t::nn {
namespace {

template <class V>
const V* lookup(const std::vector<std::pair<std::string, V>>& list, std::string_view key) {
  for (const auto& [k, v] : list) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::string where(const StateBlob& b, std::string_view key) {
  return "'" + b.name + "' state '" + std::string(key) + "'";
}

}  // namespace

void StateBlob::put(std::string key, std::vector<float> values) {
  floats.emplace_back(std::move(key), std::move(values));
}

void StateBlob::put_ints(std::string key, std::vector<int64_t> values) {
  ints.emplace_back(std::move(key), std::move(values));
}

void StateBlob::put_double(std::string key, double value) {
  put_int(std::move(key), std::bit_cast<int64_t>(value));
}

const std::vector<float>* StateBlob::find(std::string_view key) const {
  return lookup(floats, key);
}

const std::vector<int64_t>* StateBlob::find_ints(std::string_view key) const {
  return lookup(ints, key);
}

bool StateBlob::get_int(std::string_view key, int64_t* value, std::string* error) const {
  const std::vector<int64_t>* v = find_ints(key);
  if (v == nullptr || v->size() != 1) {
    *error = where(*this, key) + (v == nullptr ? " is missing" : " is not one value");
    return false;
  }
  *value = v->front();
  return true;
}

bool StateBlob::get_double(std::string_view key, double* value, std::string* error) const {
  int64_t bits = 0;
  if (!get_int(key, &bits, error)) return false;
  *value = std::bit_cast<double>(bits);
  return true;
}

const std::vector<float>* StateBlob::require(std::string_view key, size_t size,
                                             std::string* error) const {
  const std::vector<float>* v = find(key);
  if (v == nullptr) {
    *error = where(*this, key) + " is missing";
    return nullptr;
  }
  if (size != std::string::npos && v->size() != size) {
    *error = where(*this, key) + " holds " + std::to_string(v->size()) +
             " values, the model needs " + std::to_string(size);
    return nullptr;
  }
  return v;
}

std::string StateBlob::describe() const {
  std::string s = name + "{";
  const char* sep = "";
  for (const auto& [k, v] : floats) {
    s += sep + k + "[" + std::to_string(v.size()) + "]";
    sep = " ";
  }
  for (const auto& [k, v] : ints) {
    s += sep + k +
         (v.size() == 1 ? "=" + std::to_string(v.front()) : "[" + std::to_string(v.size()) + "]");
    sep = " ";
  }
  return s + "}";
}

}  // namespace l1t::nn
