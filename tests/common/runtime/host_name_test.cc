#include "common/runtime/host_name.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace l1t::runtime {
namespace {

TEST(HostNameTest, IsTheKernelsHostName) {
  std::ifstream in("/proc/sys/kernel/hostname");
  std::string kernel;
  ASSERT_TRUE(std::getline(in, kernel)) << "/proc/sys/kernel/hostname unreadable";
  EXPECT_FALSE(kernel.empty());
  EXPECT_EQ(host_name(), kernel);
}

}  // namespace
}  // namespace l1t::runtime
