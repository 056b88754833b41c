#pragma once
// The file-system syncs of a batch's large groups (file_group.h). A group's temporaries must be
// on disk before a name points at them: one syncfs before its renames. Its renames must be on
// disk before the batch is done, and before the next group's renames (so a power cut never keeps
// a later group's files and loses an earlier one's): the next group's syncfs, the one before its
// own renames, does both at once. One syncfs a group, and one at the end of the batch.
#include <sys/types.h>

#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace kpki {

struct GroupDirectory {
  std::string name;
  dev_t device;
};

// syncfs() once per file system among `directories`.
void sync_devices(const std::vector<GroupDirectory>& directories);

class CreatedFiles;

// The distinct directories among `names`, each with the device it lives on: from `known` when the
// caller has met it before, else looked up once (and remembered there). A missing one is made
// (added to `created`), as `--out out/ca.crt` expects.
std::vector<GroupDirectory> directories_of(std::vector<std::string> names,
                                           std::unordered_map<std::string, dev_t>* known,
                                           CreatedFiles* created);

class BatchSyncs {
 public:
  // How one file system is synced, given a directory on it: sync_file_systems unless a test
  // counts the calls.
  using SyncOne = std::function<void(const std::string& directory)>;
  BatchSyncs();
  explicit BatchSyncs(SyncOne sync_one) : sync_one_(std::move(sync_one)) {}

  // Before a group's renames: syncfs on its file systems (its temporaries, and the renames of
  // the groups before it there).
  void before_renames(const std::vector<GroupDirectory>& directories);
  // After them: made durable by the next before_renames on that file system, or by finish().
  void renamed(const std::vector<GroupDirectory>& directories);
  // syncfs on every file system with renames no syncfs has covered yet.
  void finish();

 private:
  SyncOne sync_one_;
  std::mutex mutex_;  // groups install one after another, each on a thread of its own
  std::unordered_map<dev_t, std::string> unsynced_;  // a directory on each, for its syncfs
};

}  // namespace kpki
