#include "common/security/key_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "common/security/keyring.h"
#include "common/security/roles.h"

namespace l1t::security {
namespace {

namespace fs = std::filesystem;

std::string fresh_dir(const std::string& tag) {
  const fs::path d =
      fs::temp_directory_path() / ("l1t-keys-" + tag + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  return d.string();
}

TEST(KeyStoreTest, GeneratedKeysLoadForEveryRoleAndNameTheirRole) {
  const std::string dir = fresh_dir("generate");
  std::string error;
  ASSERT_TRUE(generate_keys(dir, false, &error)) << error;
  for (const auto& role : roles()) {
    Keyring k;
    ASSERT_TRUE(Keyring::load(dir, role, &k, &error)) << error;
    EXPECT_EQ(k.role_of(k.own().public_key), role);
    struct stat st {};
    ASSERT_EQ(::stat(secret_key_path(dir, role).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << role;
  }
  // Keys in service are not replaced by mistake.
  EXPECT_FALSE(generate_keys(dir, false, &error));
  EXPECT_NE(error.find("already holds keys"), std::string::npos) << error;
  fs::remove_all(dir);
}

TEST(KeyStoreTest, BrokenKeysAreRefusedWithTheirReason) {
  const std::string dir = fresh_dir("broken");
  std::string error;
  ASSERT_TRUE(generate_keys(dir, false, &error)) << error;
  Keyring k;
  // A public key that is not the secret's.
  fs::copy_file(public_key_path(dir, "trainer"), public_key_path(dir, "labeller"),
                fs::copy_options::overwrite_existing);
  EXPECT_FALSE(Keyring::load(dir, "labeller", &k, &error));
  EXPECT_NE(error.find("do not match"), std::string::npos) << error;
  std::ofstream(secret_key_path(dir, "monitor")) << "not a key\n";
  EXPECT_FALSE(Keyring::load(dir, "monitor", &k, &error));
  EXPECT_NE(error.find("Z85"), std::string::npos) << error;
  std::ofstream(dir + "/" + kAllowFile) << "intruder:\n  - \"x\"\n";
  EXPECT_FALSE(Keyring::load(dir, "trainer", &k, &error));
  EXPECT_NE(error.find("unknown role"), std::string::npos) << error;
  EXPECT_FALSE(Keyring::load(dir + "/absent", "trainer", &k, &error));
  fs::remove_all(dir);
}

TEST(KeyStoreTest, ARotationAdmitsOldAndNewUntilTheOldIsRetired) {
  const std::string dir = fresh_dir("rotate");
  std::string error;
  ASSERT_TRUE(generate_keys(dir, false, &error)) << error;
  Keyring before;
  ASSERT_TRUE(Keyring::load(dir, "inference", &before, &error)) << error;
  ASSERT_TRUE(rotate_key(dir, "inference", &error)) << error;
  Keyring during;
  ASSERT_TRUE(Keyring::load(dir, "inference", &during, &error)) << error;
  EXPECT_NE(during.own().public_key, before.own().public_key);
  EXPECT_EQ(during.role_of(before.own().public_key), "inference");
  EXPECT_EQ(during.role_of(during.own().public_key), "inference");
  ASSERT_TRUE(retire_old_keys(dir, "inference", &error)) << error;
  Keyring after;
  ASSERT_TRUE(Keyring::load(dir, "inference", &after, &error)) << error;
  EXPECT_EQ(after.role_of(before.own().public_key), "");
  EXPECT_EQ(after.role_of(during.own().public_key), "inference");
  fs::remove_all(dir);
}

TEST(KeyStoreTest, ProcessesRacingToMakeKeysEndWithOneCompleteSet) {
  const std::string dir = fresh_dir("race");
  std::vector<std::thread> racers;
  std::vector<int> ok(4, 0);
  for (int i = 0; i < 4; ++i) {
    racers.emplace_back([&, i] {
      std::string error;
      ok[i] = ensure_keys(dir, &error);
    });
  }
  for (auto& t : racers) t.join();
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(ok[i]) << i;
  std::string error;
  for (const auto& role : roles()) {
    Keyring k;
    EXPECT_TRUE(Keyring::load(dir, role, &k, &error)) << error;
    EXPECT_EQ(k.role_of(k.own().public_key), role);
  }
  size_t leftovers = 0;
  for (const auto& e : fs::directory_iterator(fs::path(dir).parent_path())) {
    if (e.path().string().rfind(dir + ".tmp-", 0) == 0) ++leftovers;
  }
  EXPECT_EQ(leftovers, 0u);
  fs::remove_all(dir);
}

// A volume's mount point (docker compose's keys volume) exists before any key does and cannot be
// renamed onto: the set is written into it, by one racer.
TEST(KeyStoreTest, ProcessesRacingIntoAnExistingEmptyDirectoryEndWithOneCompleteSet) {
  const std::string dir = fresh_dir("mount-point");
  fs::create_directories(dir);
  std::vector<std::thread> racers;
  std::vector<int> ok(4, 0);
  for (int i = 0; i < 4; ++i) {
    racers.emplace_back([&, i] {
      std::string error;
      ok[i] = ensure_keys(dir, &error);
    });
  }
  for (auto& t : racers) t.join();
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(ok[i]) << i;
  std::string error;
  for (const auto& role : roles()) {
    Keyring k;
    EXPECT_TRUE(Keyring::load(dir, role, &k, &error)) << error;
    EXPECT_EQ(k.role_of(k.own().public_key), role) << role << "'s key is not the one admitted";
  }
  auto allow_file = [&] {
    std::ifstream in(dir + "/" + kAllowFile);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  };
  const std::string allow_before = allow_file();
  EXPECT_FALSE(allow_before.empty());
  EXPECT_TRUE(ensure_keys(dir, &error)) << error;  // keys in place: kept
  EXPECT_EQ(allow_file(), allow_before);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace l1t::security
