#pragma once
// Files that only make sense together — a certificate and its private key — written so that a
// crash can hardly separate them. POSIX has no multi-file rename, so true atomicity would need a
// directory swap; what this does is write and fsync every file first and only then rename them
// one right after another, which shrinks the window in which a kill leaves a new key beside an
// old certificate from "one whole file write and fsync" (milliseconds) to "between two renames"
// (microseconds).
//
// The same shape makes many files cheap to write durably: the temporaries' write-back is started
// for all of them before the first fsync, so one journal commit carries most of the group, and
// each directory is fsync'd once per group rather than once per file. A batch's large group goes
// further where it makes a directory (a new node's): its files are written into a hidden stand-in
// and the directory is renamed into place once (staged_directories.h), so they appear together.
#include <deque>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/fs/file_io.h"
#include "core/fs/secret.h"
#include "core/issue/batch_syncs.h"
#include "core/issue/issuance_recorder.h"
#include "core/util/bytes.h"

namespace kpki {

struct FileWrite {
  std::string path;
  ByteView data;  // must outlive the call
  mode_t mode;
  Overwrite overwrite;
  RecordTicket record = {};  // the newly signed certificate it carries (Issued::record), if any
};

// Writes all `files` (in order) as described above. With Overwrite::No an existing target is an
// AlreadyExists error before anything is written. The certificates the files carry are recorded
// (record_before_install) before any file is renamed into place; if they cannot be, nothing is
// written. On failure, temporary files are removed; files already renamed stay (each is whole).
// With `created`, every target that did not exist before is recorded there (before it is
// written), so a failed command removes it.
void write_files_together(const std::vector<FileWrite>& files, CreatedFiles* created = nullptr);

// One file that carries a newly signed certificate (a .crt, a kubeconfig), written as
// write_file_atomic does, its record stored first.
void write_recorded_file(const std::string& path, std::string_view data, mode_t mode,
                         Overwrite overwrite, RecordTicket record);

// A group of files collected (their contents owned, wiped when dropped: keys travel here) and
// then written with write_files_together. Files added one after another are renamed one after
// another, so a certificate added right after its key lands with it.
class FileBatch {
 public:
  FileBatch() = default;
  FileBatch(const FileBatch&) = delete;
  FileBatch& operator=(const FileBatch&) = delete;
  ~FileBatch();  // waits for a write_behind still installing
  void add(std::string path, std::string_view data, mode_t mode, Overwrite overwrite,
           RecordTicket record = {});
  size_t size() const { return files_.size(); }
  // Writes the batch (parent directories made with mode 0700) and empties it.
  void write(CreatedFiles* created = nullptr);
  // The same on a thread of its own while the caller goes on (making the next group's keys and
  // certificates): existing targets refused, new files and directories added to `created`,
  // temporaries written, records stored, temporaries synced, renamed into place, renames synced.
  // Two groups may be in flight, the second preparing while the first installs; a third
  // write_behind waits for the first. Groups are installed in order, each exactly as write()
  // would, none after one that failed; the failure (an existing target among them) is rethrown
  // by the write_behind, write or wait() that waits for that group. `created` must outlive that.
  void write_behind(CreatedFiles* created = nullptr);
  void wait();

  struct Prepared;  // a group with its temporaries written (file_group.cpp)

 private:
  struct Pending {
    std::string path;
    Secret data;
    mode_t mode;
    Overwrite overwrite;
    RecordTicket record;
  };
  // A write_behind group: its preparation (temporaries, records) and its install, each done or
  // failed when ready.
  struct InFlight {
    std::shared_future<void> prepared;
    std::shared_future<void> installed;
  };
  // `before`: the group in flight ahead of this one, if any.
  std::unique_ptr<Prepared> prepare(const std::vector<Pending>& files, CreatedFiles* created,
                                    const InFlight* before = nullptr);
  // Prepares `files` once the group `before` is prepared, installs them once it is installed.
  // Takes what it needs by value: it is dropped when the task ends (the future keeps the task).
  void install_in_turn(std::shared_ptr<std::vector<Pending>> files, CreatedFiles* created,
                       InFlight before, std::shared_ptr<std::promise<void>> prepared);
  // Waits until at most `keep` groups are still installing; a failure among those waited for is
  // rethrown once all of them are done.
  void settle(size_t keep);
  std::vector<Pending> files_;
  // The directories this batch has written into, with their device (which file system to sync):
  // looked up once however many groups write there.
  std::unordered_map<std::string, dev_t> directories_;
  std::deque<InFlight> installing_;  // write_behind groups, oldest first
  BatchSyncs syncs_;  // a group's renames are made durable by the next group's syncfs
  // New directories staged by a group (staged_directories.h): prepare() alone uses it, one group
  // at a time. A later group writing there waits for the one before it to be installed.
  std::unordered_set<std::string> staged_roots_;
};

}  // namespace kpki
