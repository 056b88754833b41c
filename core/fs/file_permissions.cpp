#include "core/fs/file_permissions.h"

#include <sys/stat.h>

#include <cstdio>

#include "core/util/error.h"

namespace kpki {

std::string octal_mode(unsigned mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", mode & 07777);
  return text;
}

void require_private_file(const std::string& path, std::string_view what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
  mode_t loose = st.st_mode & (S_IRWXG | S_IRWXO);
  if (loose == 0) return;
  std::string mode = octal_mode(st.st_mode);
  std::string who = (loose & S_IRWXG) && (loose & S_IRWXO) ? "group and others"
                    : (loose & S_IRWXG)                    ? "group"
                                                           : "others";
  throw Error(ErrorCode::InvalidInput, std::string(what) + " '" + path + "' is mode " + mode +
                                           ", open to " + who + ": chmod 600 '" + path + "'");
}

}  // namespace kpki
