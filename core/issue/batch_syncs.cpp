#include "core/issue/batch_syncs.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/fs/file_io.h"
#include "core/util/error.h"

namespace kpki {

namespace {

// Each device of `directories` once, with the first directory named on it.
std::vector<GroupDirectory> one_per_device(const std::vector<GroupDirectory>& directories) {
  std::vector<GroupDirectory> out;
  for (const auto& dir : directories)
    if (std::none_of(out.begin(), out.end(), [&](const auto& d) { return d.device == dir.device; }))
      out.push_back(dir);
  return out;
}

}  // namespace

void sync_devices(const std::vector<GroupDirectory>& directories) {
  for (const auto& dir : one_per_device(directories)) sync_file_systems({dir.name});
}

std::vector<GroupDirectory> directories_of(std::vector<std::string> names,
                                           std::unordered_map<std::string, dev_t>* known,
                                           CreatedFiles* created) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::vector<GroupDirectory> out;
  out.reserve(names.size());
  for (auto& name : names) {
    dev_t device = 0;
    auto it = known ? known->find(name) : std::unordered_map<std::string, dev_t>::iterator{};
    if (known && it != known->end()) {
      device = it->second;
    } else if (struct stat st{}; ::stat(name.c_str(), &st) == 0 ||
                                 (errno == ENOENT && (make_directories(name, 0700, created),
                                                      ::stat(name.c_str(), &st) == 0))) {
      device = st.st_dev;
      if (known) known->emplace(name, device);
    } else {
      throw Error(ErrorCode::InvalidInput, "cannot write into '" + name + "'",
                  std::strerror(errno));
    }
    out.push_back({std::move(name), device});
  }
  return out;
}

BatchSyncs::BatchSyncs()
    : sync_one_([](const std::string& directory) { sync_file_systems({directory}); }) {}

void BatchSyncs::before_renames(const std::vector<GroupDirectory>& directories) {
  for (const auto& dir : one_per_device(directories)) {
    sync_one_(dir.name);
    std::lock_guard<std::mutex> lock(mutex_);
    unsynced_.erase(dir.device);  // renamed before this syncfs began: installs run in order
  }
}

void BatchSyncs::renamed(const std::vector<GroupDirectory>& directories) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& dir : directories) unsynced_.emplace(dir.device, dir.name);
}

void BatchSyncs::finish() {
  std::unordered_map<dev_t, std::string> pending;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pending.swap(unsynced_);
  }
  for (const auto& [device, directory] : pending) sync_one_(directory);
}

}  // namespace kpki
