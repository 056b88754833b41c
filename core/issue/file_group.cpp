#include "core/issue/file_group.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "core/util/error.h"

namespace kpki {

namespace {

// Removes temporaries not yet installed when an error unwinds the group.
class PendingTemps {
 public:
  PendingTemps() = default;
  PendingTemps(const PendingTemps&) = delete;
  PendingTemps& operator=(const PendingTemps&) = delete;
  ~PendingTemps() {
    for (size_t i = installed_; i < temps_.size(); ++i) ::unlink(temps_[i].c_str());
  }
  void add(std::string temp) { temps_.push_back(std::move(temp)); }
  const std::string& operator[](size_t i) const { return temps_[i]; }
  void mark_installed(size_t count) { installed_ = count; }

 private:
  std::vector<std::string> temps_;
  size_t installed_ = 0;
};

// From this many files on, a group is synced with syncfs rather than file by file.
constexpr size_t kFilesPerFileSystemSync = 16;

std::string parent_of(const std::string& path) {
  std::string parent = std::filesystem::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

}  // namespace

void write_files_together(const std::vector<FileWrite>& files, CreatedFiles* created) {
  for (const auto& f : files) {
    bool exists = file_exists(f.path);
    if (f.overwrite == Overwrite::No && exists) throw file_already_exists(f.path);
    if (created && !exists) created->add(f.path);
  }
  // The certificates these files carry are recorded before any is written.
  if (std::any_of(files.begin(), files.end(), [](const FileWrite& f) { return bool(f.record); })) {
    std::vector<CarriedCertificate> carried;
    carried.reserve(files.size());
    for (const auto& f : files)
      if (f.record) carried.push_back({f.path, f.record});
    record_before_install(carried);
  }
  std::vector<std::string> directories;
  for (const auto& f : files) directories.push_back(parent_of(f.path));
  std::sort(directories.begin(), directories.end());
  directories.erase(std::unique(directories.begin(), directories.end()), directories.end());
  // A large group reaches the disk with one syncfs before the renames and one after: each fsync
  // flushes the disk's cache, and on this project's 2-core VM (ext4) a 1,000-node tree spent most
  // of its time in those flushes (docs/backends.md). A small one keeps its per-file fsyncs, so
  // renewing one certificate never waits for whatever else the file system has to write.
  bool whole_file_system = files.size() >= kFilesPerFileSystemSync;
  PendingTemps temps;
  for (const auto& f : files) {
    temps.add(write_temp_file(f.path, f.data, f.mode,
                              whole_file_system ? TempSync::Later : TempSync::Now));
  }
  if (whole_file_system) sync_file_systems(directories);
  // Nothing slow between these renames: that is the whole point.
  for (size_t i = 0; i < files.size(); ++i) {
    temps.mark_installed(i + 1);  // install_temp_file removes its own temp on failure
    install_temp_file(temps[i], files[i].path, files[i].overwrite);
  }
  if (whole_file_system) {
    sync_file_systems(directories);
  } else {
    for (const auto& dir : directories) sync_directory(dir);
  }
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

void FileBatch::write(CreatedFiles* created) {
  std::vector<Pending> files = std::move(files_);
  files_.clear();
  std::vector<FileWrite> writes;
  writes.reserve(files.size());
  std::string last_dir;
  for (const auto& f : files) {
    if (std::string dir = parent_of(f.path); dir != last_dir) {
      make_directories(dir, 0700);
      last_dir = std::move(dir);
    }
    writes.push_back({f.path, as_bytes(f.data.reveal()), f.mode, f.overwrite, f.record});
  }
  write_files_together(writes, created);
}

}  // namespace kpki
