// A keys directory for the whole chain, as `l1t-keys generate DIR` makes it and l1t-chain and
// the tests do when they have none: a key pair for every role and the allow-list admitting
// each role's public key.
#pragma once

#include <string>

namespace l1t::security {

// Whether dir holds an allow-list (a keys directory, complete or not).
bool has_keys(const std::string& dir);
// Makes dir (and its parents) and writes every role's pair and allow.yaml. Refuses, with
// *error, a dir that already holds keys unless overwrite: keys in service are not replaced by
// mistake.
bool generate_keys(const std::string& dir, bool overwrite, std::string* error);
// The same, made in a sibling temporary directory and renamed into place, so processes racing
// to make dir all end with the one complete set; true when dir holds keys at the end.
bool ensure_keys(const std::string& dir, std::string* error);
// Replaces role's pair and lists the new public key beside the old one (a rotation: peers
// given the new key while the old one is still admitted); retire_key then drops the old one.
bool rotate_key(const std::string& dir, const std::string& role, std::string* error);
bool retire_old_keys(const std::string& dir, const std::string& role, std::string* error);

}  // namespace l1t::security
