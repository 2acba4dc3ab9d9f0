#include "common/files/atomic_file.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace l1t::files {
namespace {

namespace fs = std::filesystem;

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = "/tmp/l1t-atomic-file-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // Every name in the directory: what a write leaves behind.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) out.push_back(e.path().filename());
    std::sort(out.begin(), out.end());
    return out;
  }

  std::string dir_;
};

TEST_F(AtomicFileTest, WritesTheBytesAndLeavesNoTemporaryFile) {
  const std::string path = dir_ + "/out.bin";
  const std::string bytes("binary\0with a nul\n\xff", 20);
  std::string error;
  ASSERT_TRUE(write_atomically(path, bytes, &error)) << error;
  EXPECT_EQ(read(path), bytes);
  EXPECT_EQ(names(), std::vector<std::string>{"out.bin"});
}

TEST_F(AtomicFileTest, ReplacesAnOldFileWhole) {
  const std::string path = dir_ + "/out.json";
  std::string error;
  ASSERT_TRUE(write_atomically(path, std::string(100000, 'x'), &error)) << error;
  ASSERT_TRUE(write_atomically(path, "short", &error)) << error;
  EXPECT_EQ(read(path), "short");  // not "short" followed by the old tail
  ASSERT_TRUE(write_atomically(path, "", &error)) << error;
  EXPECT_TRUE(fs::exists(path));
  EXPECT_EQ(fs::file_size(path), 0u);
  EXPECT_EQ(names(), std::vector<std::string>{"out.json"});
}

TEST_F(AtomicFileTest, AStaleTemporaryFileFromACrashIsOverwritten) {
  const std::string path = dir_ + "/out.txt";
  std::ofstream(path + ".tmp") << "left by a writer that was killed, much longer than the new";
  std::string error;
  ASSERT_TRUE(write_atomically(path, "new", &error)) << error;
  EXPECT_EQ(read(path), "new");
  EXPECT_EQ(names(), std::vector<std::string>{"out.txt"});
}

TEST_F(AtomicFileTest, AMissingDirectoryFailsClearlyAndLeavesNothing) {
  const std::string path = dir_ + "/missing/out.txt";
  std::string error;
  EXPECT_FALSE(write_atomically(path, "data", &error));
  EXPECT_NE(error.find("cannot create"), std::string::npos) << error;
  EXPECT_NE(error.find(path + ".tmp"), std::string::npos) << error;
  EXPECT_NE(error.find("No such file or directory"), std::string::npos) << error;
  EXPECT_FALSE(fs::exists(dir_ + "/missing"));
  EXPECT_TRUE(names().empty());
}

// A rename that cannot happen (the target is a non-empty directory) keeps the target as it was
// and removes the temporary file.
TEST_F(AtomicFileTest, AFailedRenameRemovesTheTemporaryFile) {
  const std::string path = dir_ + "/taken";
  fs::create_directory(path);
  std::ofstream(path + "/inside") << "kept";
  std::string error;
  EXPECT_FALSE(write_atomically(path, "data", &error));
  EXPECT_NE(error.find("cannot rename"), std::string::npos) << error;
  EXPECT_EQ(read(path + "/inside"), "kept");
  EXPECT_EQ(names(), std::vector<std::string>{"taken"});
}

TEST_F(AtomicFileTest, ARelativePathWritesIntoTheWorkingDirectory) {
  const fs::path before = fs::current_path();
  fs::current_path(dir_);
  std::string error;
  const bool ok = write_atomically("relative.txt", "here", &error);
  fs::current_path(before);
  ASSERT_TRUE(ok) << error;
  EXPECT_EQ(read(dir_ + "/relative.txt"), "here");
}

}  // namespace
}  // namespace l1t::files
