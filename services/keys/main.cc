// l1t-keys: the chain's CURVE keys as files (README "Security and failure behaviour").
//   l1t-keys generate DIR [--force | --if-missing]  a key pair for every role and allow.yaml
//   admitting them l1t-keys rotate DIR ROLE          a new pair for ROLE, its old public key still
//   admitted l1t-keys retire DIR ROLE          admit only ROLE's current key (after every ROLE
//   restarted) l1t-keys show DIR                 each role's public key and the keys admitted as it
#include <CLI/CLI.hpp>
#include <cstdio>
#include <map>
#include <vector>

#include "common/security/key_store.h"
#include "common/security/keyring.h"
#include "common/security/roles.h"

using namespace l1t;

namespace {

int fail(const std::string& error) {
  std::fprintf(stderr, "l1t-keys: %s\n", error.c_str());
  return 1;
}

int show(const std::string& dir) {
  std::map<std::string, std::vector<std::string>> allow;
  std::string error;
  if (!security::read_allow_list(dir + "/" + security::kAllowFile, &allow, &error)) {
    return fail(error);
  }
  for (const auto& role : security::roles()) {
    std::string key;
    if (!security::read_key_file(security::public_key_path(dir, role), &key, &error)) key = "-";
    std::printf("%-10s %s  admitted:", role.c_str(), key.c_str());
    for (const auto& k : allow[role]) std::printf(" %s", k.c_str());
    std::printf("\n");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"l1t-keys: make, rotate and show the chain's CURVE keys"};
  app.require_subcommand(1);
  std::string dir, role;
  bool force = false, if_missing = false;
  auto* generate = app.add_subcommand("generate", "a key pair for every role, and allow.yaml");
  generate->add_option("dir", dir, "keys directory (security.keys_dir)")->required();
  generate->add_flag("--force", force, "replace the keys already in DIR");
  generate->add_flag("--if-missing", if_missing, "keep the keys already in DIR, if any");
  auto* rotate = app.add_subcommand("rotate", "a new pair for ROLE; its old key stays admitted");
  rotate->add_option("dir", dir)->required();
  rotate->add_option("role", role)->required();
  auto* retire = app.add_subcommand("retire", "admit only ROLE's current key");
  retire->add_option("dir", dir)->required();
  retire->add_option("role", role)->required();
  auto* list = app.add_subcommand("show", "public keys and the allow-list");
  list->add_option("dir", dir)->required();
  CLI11_PARSE(app, argc, argv);

  std::string error;
  if (generate->parsed()) {
    const bool ok = if_missing && !force ? security::ensure_keys(dir, &error)
                                         : security::generate_keys(dir, force, &error);
    if (!ok) return fail(error);
    std::printf("keys for %zu roles and %s in %s\n", security::roles().size(), security::kAllowFile,
                dir.c_str());
    return 0;
  }
  if (rotate->parsed()) {
    if (!security::rotate_key(dir, role, &error)) return fail(error);
    std::printf(
        "new key pair for %s in %s; old and new keys admitted until `l1t-keys retire %s "
        "%s`\n",
        role.c_str(), dir.c_str(), dir.c_str(), role.c_str());
    return 0;
  }
  if (retire->parsed()) {
    if (!security::retire_old_keys(dir, role, &error)) return fail(error);
    std::printf("only the current key of %s admitted\n", role.c_str());
    return 0;
  }
  return show(dir);
}
