// Strict reading of one YAML map of the scenario: typed fields, each checked, and every key
// accounted for, so that a typo or a bad value fails with a message naming the key.
#pragma once

#include <yaml-cpp/yaml.h>

#include <set>
#include <sstream>
#include <string>
#include <utility>

namespace l1t::config {

// Reads one YAML map strictly: typed fields, each checked, and every key accounted for.
// The first failure wins (*error holds it); later reads become no-ops.
class Section {
 public:
  Section(YAML::Node node, std::string path, std::string* error)
      : node_(node), path_(std::move(path)), error_(error) {
    if (node_ && !node_.IsNull() && !node_.IsMap()) fail(path_, "must be a map");
  }

  bool ok() const { return error_->empty(); }
  bool has(const std::string& key) const { return node_ && node_.IsMap() && node_[key]; }

  Section child(const std::string& key) {
    seen_.insert(key);
    // Not on a scalar or a list: yaml-cpp throws there (the constructor reported it already).
    return Section(node_ && node_.IsMap() ? node_[key] : YAML::Node(), join(key), error_);
  }

  template <class T>
  void get(const std::string& key, T* value) {
    seen_.insert(key);
    if (!ok() || !node_ || !node_.IsMap() || !node_[key]) return;
    try {
      *value = node_[key].as<T>();
    } catch (const YAML::Exception&) {
      fail(join(key), "has a value of the wrong type: '" + scalar(node_[key]) + "'");
    }
  }

  // Reports keys that nobody asked for: a typo must not be ignored silently.
  void finish() {
    if (!ok() || !node_ || !node_.IsMap()) return;
    for (const auto& kv : node_) {
      // A key may itself be a list or a map (`? [a, b]: 1`): not a key of ours either.
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "(a non-scalar key)";
      if (!seen_.count(key)) {
        fail(join(key), "is not a known key");
        return;
      }
    }
  }

  void fail(const std::string& key, const std::string& why) {
    if (error_->empty()) *error_ = "config key '" + key + "' " + why;
  }
  std::string join(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

 private:
  static std::string scalar(const YAML::Node& n) {
    std::ostringstream s;
    s << n;
    return s.str();
  }

  YAML::Node node_;
  std::string path_;
  std::string* error_;
  std::set<std::string> seen_;
};

inline void check(bool condition, Section& s, const std::string& key, const std::string& why) {
  if (!condition) s.fail(s.join(key), why);
}

}  // namespace l1t::config
