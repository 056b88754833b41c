#include "core/issue/file_group.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "core/issue/batch_syncs.h"
#include "core/issue/staged_directories.h"
#include "core/util/error.h"
#include "core/util/run_concurrently.h"

namespace kpki {

namespace {

// Removes temporaries not yet installed when an error unwinds the group.
class PendingTemps {
 public:
  PendingTemps() = default;
  PendingTemps(const PendingTemps&) = delete;
  PendingTemps& operator=(const PendingTemps&) = delete;
  ~PendingTemps() {
    for (size_t i = installed_; i < temps_.size(); ++i)
      if (!temps_[i].empty()) ::unlink(temps_[i].c_str());  // empty: never written
  }
  void add(std::string temp) { temps_.push_back(std::move(temp)); }
  // Room for `count` temporaries set by index, from several threads (each its own index).
  void resize(size_t count) { temps_.resize(count); }
  void set(size_t i, std::string temp) { temps_[i] = std::move(temp); }
  const std::string& operator[](size_t i) const { return temps_[i]; }
  void mark_installed(size_t count) { installed_ = count; }

 private:
  std::vector<std::string> temps_;
  size_t installed_ = 0;
};

// From this many files on, a group is synced with syncfs rather than file by file.
constexpr size_t kFilesPerFileSystemSync = 16;

// Threads that write a large group's temporaries (and store its records) at once: creating a
// file is system time that runs in parallel on other directories (a tree's nodes), and in a
// 1,000-node tree it was the longest stage of the pipeline (docs/backends.md).
constexpr size_t kGroupWriters = 2;

std::string parent_of(const std::string& path) {
  std::string parent = std::filesystem::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

}  // namespace

// A group whose temporaries are written: what is left is to record the certificates its files
// carry, make the temporaries durable, rename them into place and make the renames durable.
struct FileBatch::Prepared {
  std::vector<std::string> paths;
  std::vector<Overwrite> overwrite;
  std::vector<std::pair<size_t, RecordTicket>> records;  // file index, its ticket
  std::vector<GroupDirectory> directories;
  bool whole_file_system = false;
  PendingTemps temps;
  std::vector<std::string> roots;  // none, or per file the new directory it is staged under
  StagedDirectories staged;
  CreatedFiles* created = nullptr;  // where staged files go once they are in place
  bool staged_at(size_t i) const { return !roots.empty() && !roots[i].empty(); }

  // The certificates these files carry, recorded (by prepare_group, beside or after the
  // temporaries' writes): before any is installed.
  void record() {
    if (records.empty()) return;
    std::vector<CarriedCertificate> carried;
    carried.reserve(records.size());
    for (const auto& [i, ticket] : records) carried.push_back({paths[i], ticket});
    record_before_install(carried);
  }

  // `syncs`: the batch's (none: a group on its own, synced after its renames too).
  void install(BatchSyncs* syncs = nullptr) {
    if (whole_file_system)
      syncs ? syncs->before_renames(directories) : sync_devices(directories);
    else if (syncs)
      syncs->finish();  // a large group before it renamed: on disk before this one's renames
    // Nothing slow between these renames: that is the whole point.
    for (size_t i = 0; i < paths.size(); ++i) {
      if (staged_at(i)) {
        staged.install(roots[i], created);  // its directory, all its files, at its first
        continue;
      }
      temps.mark_installed(i + 1);  // install_temp_file removes its own temp on failure
      install_temp_file(temps[i], paths[i], overwrite[i]);
    }
    if (whole_file_system)
      syncs ? syncs->renamed(directories) : sync_devices(directories);
    else
      for (const auto& dir : directories) sync_directory(dir.name);
  }
};

namespace {

// `roots`: none, or per file the new directory to stage it under ("": written beside its target).
std::unique_ptr<FileBatch::Prepared> prepare_group(
    const std::vector<FileWrite>& files, CreatedFiles* created,
    std::unordered_map<std::string, dev_t>* known_directories,
    std::vector<std::string> roots = {}) {
  auto group = std::make_unique<FileBatch::Prepared>();
  FileBatch::Prepared& g = *group;
  g.roots = std::move(roots);
  g.created = created;
  std::vector<std::string> directories;  // those the group writes into, or stages beside
  for (size_t i = 0; i < files.size(); ++i) {
    const FileWrite& f = files[i];
    directories.push_back(parent_of(g.staged_at(i) ? g.roots[i] : f.path));
    if (g.staged_at(i)) continue;  // under a directory that is not there: nor is the file
    bool exists = file_exists(f.path);
    if (f.overwrite == Overwrite::No && exists) throw file_already_exists(f.path);
    if (created && !exists) created->add(f.path);
  }
  group->directories = directories_of(std::move(directories), known_directories, created);
  // A large group reaches the disk with one syncfs before the renames and one after (in a batch,
  // the next group's: batch_syncs.h): each fsync flushes the disk's cache, and on this project's
  // 2-core VM (ext4) a 1,000-node tree spent most of its time in those flushes (docs/backends.md).
  // A small one keeps its per-file fsyncs, so renewing one certificate never waits for whatever
  // else the file system has to write.
  group->whole_file_system = files.size() >= kFilesPerFileSystemSync;
  group->paths.reserve(files.size());
  group->overwrite.reserve(files.size());
  for (const auto& f : files) {
    if (f.record) group->records.emplace_back(group->paths.size(), f.record);
    group->paths.push_back(f.path);
    group->overwrite.push_back(f.overwrite);
  }
  if (!group->whole_file_system) {
    for (const auto& f : files) group->temps.add(write_temp_file(f.path, f.data, f.mode));
    group->record();  // in prepare, as a large group: a batch stores one group at a time
    return group;
  }
  // A large group: its temporaries written on a few threads, its records stored beside them
  // (item 0, taken first), both before install() renames anything. Records stored for
  // temporaries that then fail are settled by the recorder like any failed run's.
  group->temps.resize(files.size());
  std::vector<std::string> staged_names(g.roots.size());  // made one by one: stage() is not shared
  for (size_t i = 0; i < staged_names.size(); ++i)
    if (g.staged_at(i)) staged_names[i] = g.staged.stage(g.roots[i], files[i].path);
  const mode_t umask = current_umask();
  run_concurrently(files.size() + 1, kGroupWriters, [&](size_t item) {
    if (item == 0) return g.record();
    const FileWrite& f = files[item - 1];
    if (g.staged_at(item - 1))
      write_new_file(staged_names[item - 1], f.path, f.data, f.mode, TempSync::Later, umask);
    else
      g.temps.set(item - 1, write_temp_file(f.path, f.data, f.mode, TempSync::Later, umask));
  });
  return group;
}

}  // namespace

void write_files_together(const std::vector<FileWrite>& files, CreatedFiles* created) {
  prepare_group(files, created, nullptr)->install();
}

void write_recorded_file(const std::string& path, std::string_view data, mode_t mode,
                         Overwrite overwrite, RecordTicket record) {
  ByteView bytes(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
  write_files_together({{path, bytes, mode, overwrite, record}});
}

void FileBatch::add(std::string path, std::string_view data, mode_t mode, Overwrite overwrite,
                    RecordTicket record) {
  files_.push_back({std::move(path), Secret(std::string(data)), mode, overwrite, record});
}

std::unique_ptr<FileBatch::Prepared> FileBatch::prepare(const std::vector<Pending>& files,
                                                        CreatedFiles* created,
                                                        const InFlight* before) {
  // A large group stages the new directories it writes into (staged_directories.h).
  const bool stage = files.size() >= kFilesPerFileSystemSync;
  std::vector<std::string> roots(stage ? files.size() : 0);
  std::unordered_map<std::string, std::string> missing;  // directory -> root to stage, or ""
  std::vector<FileWrite> writes;
  writes.reserve(files.size());
  std::string last_dir, last_root;
  for (size_t i = 0; i < files.size(); ++i) {
    const Pending& f = files[i];
    // Each directory is made (or found) once per batch's life, not once per file or group.
    if (std::string dir = parent_of(f.path); dir != last_dir) {
      last_root = stage && !directories_.count(dir) ? missing_root(dir, missing) : "";
      if (!last_root.empty() && staged_roots_.count(last_root) && before &&
          before->installed.valid()) {
        before->installed.wait();  // the group before stages it: there once that is installed
        missing.clear();
        last_root = missing_root(dir, missing);
      }
      if (last_root.empty() && !directories_.count(dir)) {
        struct stat st {};
        if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
          make_directories(dir, 0700, created);
          if (::stat(dir.c_str(), &st) != 0)
            throw Error(ErrorCode::InvalidInput, "cannot write into '" + dir + "'",
                        std::strerror(errno));
        }
        directories_.emplace(dir, st.st_dev);
      }
      last_dir = std::move(dir);
    }
    if (!last_root.empty()) roots[i] = last_root;
    writes.push_back({f.path, as_bytes(f.data.reveal()), f.mode, f.overwrite, f.record});
  }
  for (const std::string& root : roots)
    if (!root.empty()) staged_roots_.insert(root);  // for the groups after this one
  return prepare_group(writes, created, &directories_, std::move(roots));
}

void FileBatch::write(CreatedFiles* created) {
  if (!installing_.empty()) {  // prepared while the group before installs, as any other
    write_behind(created);
    return wait();
  }
  std::vector<Pending> files = std::move(files_);
  files_.clear();
  prepare(files, created)->install(&syncs_);
  syncs_.finish();
}

// Two groups in flight: the next group's temporaries and records are written while the one
// before syncs and renames, so neither the cores nor the disk wait for the other
// (docs/backends.md). Prepared in order, installed in order, none after one that failed.
constexpr size_t kGroupsInFlight = 2;

void FileBatch::write_behind(CreatedFiles* created) {
  settle(kGroupsInFlight - 1);
  // The whole write -- directories, temporaries, records, syncs, renames -- leaves the caller's
  // thread: system time the cores that make keys and signatures would otherwise wait for. Until
  // wait(), only those threads touch directories_ and `created`, one group at a time.
  auto files = std::make_shared<std::vector<Pending>>(std::move(files_));
  files_.clear();
  auto prepared = std::make_shared<std::promise<void>>();
  InFlight before = installing_.empty() ? InFlight{} : installing_.back();
  InFlight group;
  group.prepared = prepared->get_future().share();
  // The future keeps the task's state: what the task holds is dropped when it ends, or every
  // group's files would stay in memory, chained through `before`, until the batch is gone.
  group.installed =
      std::async(std::launch::async, [this, files = std::move(files), created,
                                      before = std::move(before),
                                      prepared = std::move(prepared)]() mutable {
        install_in_turn(std::move(files), created, std::move(before), std::move(prepared));
      }).share();
  installing_.push_back(std::move(group));
}

void FileBatch::install_in_turn(std::shared_ptr<std::vector<Pending>> files, CreatedFiles* created,
                                InFlight before, std::shared_ptr<std::promise<void>> prepared) {
  std::unique_ptr<Prepared> group;
  try {
    if (before.prepared.valid()) before.prepared.wait();
    group = prepare(*files, created, &before);
  } catch (...) {
    prepared->set_value();  // the next group prepares, then fails with this one
    throw;
  }
  prepared->set_value();
  if (before.installed.valid()) before.installed.get();  // its failure is this group's too
  group->install(&syncs_);
}

void FileBatch::wait() {
  settle(0);
  syncs_.finish();  // the last group's renames (each earlier one's: the next group's syncfs)
}

void FileBatch::settle(size_t keep) {
  std::exception_ptr failure;
  while (installing_.size() > keep || (failure && !installing_.empty())) {
    std::shared_future<void> oldest = std::move(installing_.front().installed);
    installing_.pop_front();
    try {
      oldest.get();
    } catch (...) {
      if (!failure) failure = std::current_exception();  // a later group fails with it
    }
  }
  if (failure) std::rethrow_exception(failure);
}

FileBatch::~FileBatch() {
  try {
    wait();
  } catch (...) {
    // Its failure was not asked for (the caller is unwinding already): its temporaries are gone.
  }
}

}  // namespace kpki
