#include "core/file_group.h"

#include <unistd.h>

#include "core/error.h"
#include "core/ledger/journal_hooks.h"

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

}  // namespace

void write_files_together(const std::vector<FileWrite>& files) {
  for (const auto& f : files) {
    if (f.overwrite == Overwrite::No && file_exists(f.path)) {
      throw file_already_exists(f.path);
    }
  }
  // The ledger records the certificates these files hold before any is written.
  std::vector<ledger::FileToInstall> installs;
  for (const auto& f : files) installs.push_back({f.path, f.data});
  ledger::journal_before_install(installs);
  PendingTemps temps;
  for (const auto& f : files) temps.add(write_temp_file(f.path, f.data, f.mode));
  // Nothing slow between these renames: that is the whole point.
  for (size_t i = 0; i < files.size(); ++i) {
    temps.mark_installed(i + 1);  // install_temp_file removes its own temp on failure
    install_temp_file(temps[i], files[i].path, files[i].overwrite);
  }
  for (const auto& f : files) sync_parent_directory(f.path);
}

}  // namespace kpki
