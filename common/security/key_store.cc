#include "common/security/key_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <filesystem>
#include <map>
#include <vector>

#include "common/files/atomic_file.h"
#include "common/security/keyring.h"
#include "common/security/roles.h"

namespace l1t::security {

namespace fs = std::filesystem;

namespace {

using AllowList = std::map<std::string, std::vector<std::string>>;

bool write_allow_list(const std::string& dir, const AllowList& allow, std::string* error) {
  return files::write_atomically(dir + "/" + kAllowFile, format_allow_list(allow), error);
}

bool write_all(const std::string& dir, std::string* error) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    *error = "cannot make the keys directory " + dir + ": " + ec.message();
    return false;
  }
  AllowList allow;
  for (const auto& role : roles()) {
    KeyPair pair;
    if (!generate_key_pair(&pair, error) || !write_key_pair(dir, role, pair, error)) return false;
    allow[role] = {pair.public_key};
  }
  return write_allow_list(dir, allow, error);
}

}  // namespace

bool has_keys(const std::string& dir) { return fs::exists(fs::path(dir) / kAllowFile); }

bool generate_keys(const std::string& dir, bool overwrite, std::string* error) {
  if (has_keys(dir) && !overwrite) {
    *error = "keys directory " + dir + " already holds keys (--force replaces them)";
    return false;
  }
  return write_all(dir, error);
}

bool ensure_keys(const std::string& dir, std::string* error) {
  if (has_keys(dir)) return true;
  const fs::path target = fs::absolute(dir);
  std::error_code ec;
  // A directory that exists (a volume's mount point) cannot be renamed onto: the set is written
  // in place, one writer at a time, allow.yaml last.
  if (fs::is_directory(target, ec)) {
    const std::string lock = (target / ".lock").string();
    const int fd = ::open(lock.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0 || ::flock(fd, LOCK_EX) != 0) {
      *error = "cannot lock the keys directory " + dir + ": " + std::strerror(errno);
      if (fd >= 0) ::close(fd);
      return false;
    }
    const bool ok = has_keys(dir) || write_all(target.string(), error);
    ::close(fd);
    return ok;
  }
  fs::create_directories(target.parent_path(), ec);
  const std::string staging =
      target.string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(::gettid());
  fs::remove_all(staging, ec);
  if (!write_all(staging, error)) return false;
  fs::rename(staging, target, ec);
  // Another process won the race: its set is the one in place, and this one goes.
  if (ec) fs::remove_all(staging, ec);
  if (!has_keys(dir)) {
    *error = "cannot make the keys directory " + dir;
    return false;
  }
  return true;
}

bool rotate_key(const std::string& dir, const std::string& role, std::string* error) {
  if (!is_role(role)) {
    *error = "no role '" + role + "'";
    return false;
  }
  AllowList allow;
  if (!read_allow_list(dir + "/" + kAllowFile, &allow, error)) return false;
  KeyPair old_pair, fresh;
  if (!read_key_pair(dir, role, &old_pair, error) || !generate_key_pair(&fresh, error)) {
    return false;
  }
  // Allow-list first: a process started meanwhile with the new pair is already admitted.
  allow[role] = {old_pair.public_key, fresh.public_key};
  return write_allow_list(dir, allow, error) && write_key_pair(dir, role, fresh, error);
}

bool retire_old_keys(const std::string& dir, const std::string& role, std::string* error) {
  AllowList allow;
  KeyPair current;
  if (!read_allow_list(dir + "/" + kAllowFile, &allow, error) ||
      !read_key_pair(dir, role, &current, error)) {
    return false;
  }
  allow[role] = {current.public_key};
  return write_allow_list(dir, allow, error);
}

}  // namespace l1t::security
