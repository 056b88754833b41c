#include "core/fs/file_shred.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "core/fs/file_io.h"
#include "core/util/error.h"

namespace kpki {

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw Error(ErrorCode::InvalidInput, "cannot " + what + " '" + path + "'", std::strerror(errno));
}

// Closes the descriptor however the function ends.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

void overwrite_and_remove(const std::string& path) {
  Fd file{::open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC)};
  if (file.fd < 0) fail("open for overwriting", path);
  struct stat st {};
  if (::fstat(file.fd, &st) != 0) fail("stat", path);
  if (!S_ISREG(st.st_mode)) {
    throw Error(ErrorCode::InvalidInput, "'" + path + "' is not a regular file; not removed");
  }
  const std::vector<char> zeros(4096, 0);
  off_t done = 0;
  while (done < st.st_size) {
    size_t chunk = static_cast<size_t>(std::min<off_t>(st.st_size - done, 4096));
    ssize_t n = ::pwrite(file.fd, zeros.data(), chunk, done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("overwrite", path);
    done += n;
  }
  if (::fsync(file.fd) != 0) fail("fsync", path);
  if (::unlink(path.c_str()) != 0) fail("unlink", path);
  sync_parent_directory(path);
}

}  // namespace kpki
