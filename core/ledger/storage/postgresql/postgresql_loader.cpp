// open_postgresql_ledger: finds and loads the PostgreSQL storage module (postgresql_module.h says
// why it is one) the first time a postgresql:// ledger is opened. The module is looked for only
// in directories compiled into kpki (the installed library directory, the .deb's and the build
// tree), never in a path from the environment, a config or the running program's location (a
// kpki copied into a directory others can write would otherwise load their ../lib/kpki), and the
// file found must pass the same checks as a PKCS#11 module (core/fs/trusted_library.h): loading it
// runs its code beside the CA keys' PINs.
#include <dlfcn.h>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "core/fs/trusted_library.h"
#include "core/ledger/ledger.h"
#include "core/ledger/storage/postgresql/postgresql_module.h"
#include "core/ledger/storage/storage.h"
#include "core/util/error.h"

namespace kpki::ledger {

std::vector<std::filesystem::path> postgresql_module_search_path(
    const std::filesystem::path& executable) {
  namespace fs = std::filesystem;
  const fs::path installed = fs::path(KPKI_INSTALL_FULL_LIBDIR) / "kpki";
  const fs::path packaged = fs::path(KPKI_PACKAGE_FULL_LIBDIR) / "kpki";  // the .deb's
  const fs::path build_tree = fs::path(KPKI_BUILD_DIR) / "lib" / "kpki";
  // A program of the build tree tries the build tree's module first (an installed kpki of the
  // same version may be older); the program's location only orders these, adds nothing.
  const std::string build_prefix = fs::path(KPKI_BUILD_DIR).lexically_normal().string() + "/";
  bool in_build_tree = executable.lexically_normal().string().rfind(build_prefix, 0) == 0;
  std::vector<fs::path> dirs = in_build_tree ? std::vector{build_tree, installed, packaged}
                                             : std::vector{installed, packaged, build_tree};
  std::vector<fs::path> files;
  for (const fs::path& dir : dirs) {
    fs::path file = (dir / postgresql_module::kFileName).lexically_normal();
    if (std::find(files.begin(), files.end(), file) == files.end()) files.push_back(file);
  }
  return files;
}

#ifdef KPKI_WITH_POSTGRESQL

namespace {

// Loaded once and never unloaded: ledgers it made may outlive any one caller.
class PostgresqlModule {
 public:
  static const PostgresqlModule& get(const std::string& shown_uri) {
    static std::mutex mutex;
    static const PostgresqlModule* loaded = nullptr;
    std::lock_guard<std::mutex> lock(mutex);
    if (!loaded) loaded = new PostgresqlModule(shown_uri);
    return *loaded;
  }

  postgresql_module::OpenFunction open = nullptr;

 private:
  explicit PostgresqlModule(const std::string& shown_uri) {
    std::error_code ec;
    std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", ec);
    std::string searched;
    for (const std::filesystem::path& file : postgresql_module_search_path(executable)) {
      if (!std::filesystem::exists(file, ec)) {
        searched += (searched.empty() ? "" : ", ") + file.string();
        continue;
      }
      load(file, shown_uri);
      return;
    }
    throw Error(ErrorCode::NotFound,
                "ledger '" + shown_uri + "': PostgreSQL support (" + postgresql_module::kFileName +
                    ") is not installed",
                "looked in " + searched);
  }

  void load(const std::filesystem::path& file, const std::string& shown_uri) {
    auto refuse = [&](const std::string& why, const std::string& cause = {}) {
      return Error(ErrorCode::Unsupported,
                   "ledger '" + shown_uri + "': cannot load '" + file.string() + "': " + why,
                   cause);
    };
    require_trusted_library(file.string(), "PostgreSQL ledger module");  // before its code runs
    void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) throw refuse("dlopen failed", dlerror());  // e.g. libpqxx not installed
    auto version = reinterpret_cast<postgresql_module::VersionFunction>(
        dlsym(handle, postgresql_module::kVersionSymbol));
    open = reinterpret_cast<postgresql_module::OpenFunction>(
        dlsym(handle, postgresql_module::kOpenSymbol));
    if (!version || !open) throw refuse("not a kpki ledger module");
    if (std::string(version()) != KPKI_VERSION)
      throw refuse(std::string("it is from kpki ") + version() + ", this is kpki " + KPKI_VERSION);
  }
};

}  // namespace

std::unique_ptr<Ledger> open_postgresql_ledger(const std::string& uri) {
  const PostgresqlModule& module = PostgresqlModule::get(redact_ledger_spec(uri));
  return std::unique_ptr<Ledger>(module.open(uri.c_str()));
}

#else

std::unique_ptr<Ledger> open_postgresql_ledger(const std::string& uri) {
  throw Error(ErrorCode::Unsupported, "ledger '" + redact_ledger_spec(uri) +
                                          "': kpki was built without PostgreSQL support");
}

#endif

}  // namespace kpki::ledger
