#include "core/issue/batch_syncs.h"

#include <algorithm>

#include "core/fs/file_io.h"

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
