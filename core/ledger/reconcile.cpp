// Reconcile: incomplete records against the files they were meant for.
#include "core/ledger/reconcile.h"

#include <openssl/evp.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include "core/fs/file_io.h"
#include "core/util/error.h"
#include "core/x509/pem.h"

namespace kpki::ledger {

namespace {

// A killed process stays a zombie until its parent reaps it (and a container's PID 1 may never
// do so): kill(pid, 0) still succeeds then, so /proc's state decides.
bool process_alive(std::int64_t pid) {
  if (pid <= 0) return false;
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  size_t end = line.rfind(')');  // the command name may hold spaces and parentheses
  return end == std::string::npos || line.size() < end + 3 || line[end + 2] != 'Z';
}

// Base64 on one line, as a kubeconfig embeds a PEM (client-certificate-data); here rather than
// from core/kubernetes, which the ledger does not depend on.
std::string base64_line(const std::string& data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace

bool content_holds(std::string_view content, ByteView der) {
  std::string_view raw(reinterpret_cast<const char*>(der.data()), der.size());
  if (!raw.empty() && content.find(raw) != std::string_view::npos) return true;
  std::string pem = encode_pem("CERTIFICATE", der);
  return content.find(pem) != std::string_view::npos ||
         content.find(base64_line(pem)) != std::string_view::npos;
}

bool file_holds(const std::string& path, ByteView der) {
  if (path.empty() || path == "-" || !file_exists(path)) return false;
  try {
    return content_holds(read_text_file(path), der);
  } catch (const Error&) {
    return false;
  }
}

std::string this_host() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

ReconcileCounts reconcile(Ledger& ledger, bool only_this_host) {
  ReconcileCounts counts;
  const std::string host = this_host();
  for (const IssuanceRecord& record : ledger.incomplete()) {
    bool here = record.host == host;
    if ((here && process_alive(record.pid) && record.pid != ::getpid()) ||
        (!here && only_this_host)) {
      ++counts.skipped;
      continue;
    }
    bool held = false;
    for (const std::string& path : record.destinations) held = held || file_holds(path, record.der);
    if (ledger.settle(record.key(), held ? RecordState::Released : RecordState::Abandoned))
      ++(held ? counts.released : counts.abandoned);
  }
  return counts;
}

}  // namespace kpki::ledger
