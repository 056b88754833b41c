#include "core/ledger/ledger_home.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/fs/file_io.h"
#include "core/ledger/ledger.h"
#include "core/ledger/ledger_records.h"
#include "core/util/error.h"

namespace kpki::ledger {

namespace fs = std::filesystem;

namespace {

constexpr const char* kStateFile = "ledger-state.json";
constexpr const char* kFormat = "kpki-ledger-state/1";

fs::path or_dot(const fs::path& p) { return p.empty() ? fs::path(".") : p; }

// A file nobody but this user could have put there or changed: a regular file (not a link) of
// this user, not writable by group or others.
bool own_private_file(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  return st.st_uid == ::geteuid() && (st.st_mode & 022) == 0;
}

// A directory others cannot add files to.
bool closed_directory(const fs::path& path) {
  struct stat st {};
  if (::stat(or_dot(path).c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return false;
  return (st.st_uid == ::geteuid() || st.st_uid == 0) && (st.st_mode & 002) == 0;
}

LedgerState parse_state(const std::string& text, const std::string& origin) {
  LedgerState state;
  try {
    nlohmann::json j = nlohmann::json::parse(text);
    if (j.value("format", "") != kFormat)
      throw Error(ErrorCode::InvalidInput, "'" + origin + "': not a kpki ledger state");
    state.tree = j.value("tree", false);
    if (j.contains("ledgers")) state.ledgers = j.at("ledgers").get<decltype(state.ledgers)>();
    if (j.contains("crlNumbers"))
      state.crl_numbers = j.at("crlNumbers").get<decltype(state.crl_numbers)>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::InvalidInput, "'" + origin + "': not a kpki ledger state", e.what());
  }
  return state;
}

std::string render_state(const LedgerState& state) {
  nlohmann::json j = {{"format", kFormat},
                      {"tree", state.tree},
                      {"ledgers", state.ledgers},
                      {"crlNumbers", state.crl_numbers}};
  return j.dump(2) + "\n";
}

// True when `dir` is a kpki tree's root (see home_of_ca_certificate).
bool is_tree(const fs::path& dir) {
  if (!closed_directory(dir)) return false;
  fs::path state = or_dot(dir) / kStateFile;
  if (own_private_file(state)) {
    try {
      return parse_state(read_text_file(state.string()), state.string()).tree;
    } catch (const Error&) {
      return false;
    }
  }
  std::error_code ec;
  return own_private_file(or_dot(dir) / "ledger.db") && fs::is_directory(or_dot(dir) / "nodes", ec);
}

}  // namespace

std::string LedgerHome::default_ledger() const { return (or_dot(dir) / "ledger.db").string(); }
std::string LedgerHome::state_file() const { return (or_dot(dir) / kStateFile).string(); }

LedgerHome home_of_ca_certificate(const std::string& ca_cert) {
  fs::path dir = fs::path(ca_cert).lexically_normal().parent_path();
  fs::path pki = dir.filename() == "etcd" ? dir.parent_path() : dir;
  if (pki.filename() == "pki") {
    fs::path root = pki.parent_path();  // OUT, or OUT/nodes/NAME
    if (is_tree(root)) return {root, true};
    fs::path nodes = root.parent_path();
    if (!root.empty() && nodes.filename() == "nodes" && is_tree(nodes.parent_path()))
      return {nodes.parent_path(), true};
  }
  return {dir, false};
}

LedgerHome home_of_tree(const std::string& out_dir) {
  return {fs::path(out_dir).lexically_normal(), true};
}

std::optional<LedgerState> read_ledger_state(const LedgerHome& home) {
  std::string path = home.state_file();
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec))) return std::nullopt;
  if (!own_private_file(path))
    throw Error(
        ErrorCode::InvalidInput,
        "ledger state '" + path + "' is not a regular file of this user that only they may write");
  return parse_state(read_text_file(path), path);
}

void update_ledger_state(const LedgerHome& home, const std::function<void(LedgerState&)>& change) {
  make_directories(or_dot(home.dir).string(), 0700);
  // The lock is the home directory's: the state file itself is replaced by a rename.
  int fd = ::open(or_dot(home.dir).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || ::flock(fd, LOCK_EX) != 0) {
    if (fd >= 0) ::close(fd);
    throw Error(ErrorCode::DeviceError, "cannot lock '" + or_dot(home.dir).string() + "'");
  }
  struct Unlock {
    int fd;
    ~Unlock() { ::close(fd); }
  } unlock{fd};
  LedgerState state = read_ledger_state(home).value_or(LedgerState{});
  change(state);
  write_file_atomic(home.state_file(), render_state(state), 0600, Overwrite::Yes);
}

std::string ledger_state_key(const LedgerHome& home, const std::string& spec) {
  if (is_postgresql_spec(spec)) return redact_ledger_spec(spec);
  fs::path file = fs::absolute(spec).lexically_normal();
  fs::path base = fs::absolute(or_dot(home.dir)).lexically_normal();
  fs::path relative = file.lexically_relative(base);
  if (!relative.empty() && *relative.begin() != "..") return relative.string();
  return file.string();
}

}  // namespace kpki::ledger
