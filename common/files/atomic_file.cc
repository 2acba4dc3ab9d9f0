#include "common/files/atomic_file.h"

#include <algorithm>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace l1t::files {
namespace {

std::string why(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

// The rename is durable only once the directory entry is on disk too. Best effort: the file is
// already complete and in place, and some file systems refuse to sync a directory.
void sync_directory(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : path.substr(0, slash);
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

bool write_atomically(const std::string& path, std::string_view bytes, std::string* error,
                      const std::function<void()>& halfway) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) {
    *error = why("cannot create", tmp);
    return false;
  }
  auto fail = [&](const std::string& what, const std::string& name, bool close_fd) {
    *error = why(what, name);  // before close/unlink, which may overwrite errno
    if (close_fd) ::close(fd);
    ::unlink(tmp.c_str());
    return false;
  };
  size_t done = 0;
  bool half_told = !halfway;
  while (done < bytes.size()) {
    if (!half_told && done >= bytes.size() / 2) {
      half_told = true;
      halfway();
    }
    const size_t chunk = half_told ? bytes.size() - done : bytes.size() / 2 - done;
    const ssize_t w = ::write(fd, bytes.data() + done, std::max<size_t>(chunk, 1));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      if (w == 0) errno = EIO;  // no progress and no reason: do not spin
      return fail("cannot write", tmp, true);
    }
    done += static_cast<size_t>(w);
  }
  // On disk before the rename makes it the file: a crash leaves the old file or the new, whole.
  if (::fsync(fd) != 0) return fail("cannot flush", tmp, true);
  if (::close(fd) != 0) return fail("cannot close", tmp, false);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return fail("cannot rename " + tmp + " to", path, false);
  }
  sync_directory(path);
  return true;
}

}  // namespace l1t::files
