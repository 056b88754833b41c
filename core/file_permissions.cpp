#include "core/file_permissions.h"

#include <sys/stat.h>

#include <cstdio>

#include "core/error.h"

namespace kpki {

void require_private_file(const std::string& path, std::string_view what) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    throw Error(ErrorCode::NotFound, std::string(what) + " '" + path + "' does not exist");
  }
  if (S_ISCHR(st.st_mode) || (st.st_mode & (S_IRWXG | S_IRWXO)) == 0) return;
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  std::string who = (st.st_mode & S_IRWXO) ? "others" : "group";
  std::string how = (st.st_mode & (S_IRGRP | S_IROTH)) ? "readable" : "accessible";
  throw Error(ErrorCode::InvalidInput, std::string(what) + " '" + path + "' is mode " + mode +
                                           ": " + how + " by " + who + "; chmod 600 it");
}

}  // namespace kpki
