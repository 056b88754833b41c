// IssuanceJournal: pending certificates, their records stored before their files are installed,
// released at the end.
#include "core/ledger/issuance_journal.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "core/ledger/ledger_records.h"
#include "core/util/error.h"
#include "core/util/key_uri_display.h"
#include "core/x509/certificate.h"

namespace kpki::ledger {

namespace {

// As Certificate::serial_hex (BN_bn2hex): upper-case, two digits a byte, no leading zero bytes.
std::string serial_hex(const Bytes& serial) {
  auto first = std::find_if(serial.begin(), serial.end(), [](std::uint8_t b) { return b != 0; });
  if (first == serial.end()) return "0";
  return hex_of(ByteView(&*first, static_cast<size_t>(serial.end() - first)), true);
}

std::string profile_of(const CertificateRequest& request) {
  if (request.is_ca) return "ca";
  const auto& eku = request.extended_key_usage;
  bool server = std::count(eku.begin(), eku.end(), ExtendedKeyUsage::ServerAuth) > 0;
  bool client = std::count(eku.begin(), eku.end(), ExtendedKeyUsage::ClientAuth) > 0;
  return server && client ? "peer" : server ? "server" : client ? "client" : "";
}

// Destinations are kept absolute: reconcile may run from another directory. "-" (standard
// output) stays as it is.
// `cwd` is the working directory, asked once for a whole group of files (getcwd is a system call).
std::string absolute_path(std::string_view path, const std::filesystem::path& cwd) {
  if (path == "-") return std::string(path);
  std::filesystem::path p(path);
  if (p.is_relative()) {
    if (cwd.empty()) return std::string(path);  // no working directory to be had: as given
    p = cwd / p;
  }
  return p.lexically_normal().string();
}

}  // namespace

std::vector<std::string> record_sans(const SubjectAltNames& sans) {
  std::vector<std::string> out;
  for (const auto& v : sans.dns) out.push_back("DNS:" + v);
  for (const auto& v : sans.ips) out.push_back("IP:" + v);
  for (const auto& v : sans.uris) out.push_back("URI:" + v);
  for (const auto& v : sans.emails) out.push_back("email:" + v);
  return out;
}

JournalContext JournalContext::of_this_process(std::string command) {
  JournalContext c;
  c.command = redact_key_uris_in_text(command);
  c.host = this_host();
  if (const passwd* pw = ::getpwuid(::geteuid())) c.user = pw->pw_name;
  if (c.user.empty()) c.user = std::to_string(::geteuid());
  c.pid = ::getpid();
  return c;
}

IssuanceJournal::IssuanceJournal(std::unique_ptr<Ledger> ledger, JournalContext context)
    : IssuanceJournal([l = std::make_shared<std::unique_ptr<Ledger>>(
                           std::move(ledger))] { return std::move(*l); },
                      std::move(context)) {
  this->ledger();  // given open: reconcile now
}

IssuanceJournal::IssuanceJournal(LedgerOpener open, JournalContext context)
    : open_(std::move(open)), context_(std::move(context)) {}

Ledger& IssuanceJournal::ledger() {
  if (!ledger_) {
    ledger_ = open_();
    reconciled_ = reconcile(*ledger_, true);
  }
  return *ledger_;
}

IssuanceJournal::~IssuanceJournal() {
  if (finished_ || stored_.empty()) return;
  // A failed run: settle what it recorded against what is on disk now (its rollback has run).
  try {
    std::vector<RecordKey> released;
    for (const Stored& r : stored_) {
      bool held = false;
      for (const IssuanceRecord& record : ledger().find_serial(r.key.serial)) {
        if (record.key() != r.key) continue;
        for (const std::string& path : r.destinations) held = held || file_holds(path, record.der);
      }
      if (held)
        released.push_back(r.key);
      else
        ledger().settle(r.key, RecordState::Abandoned);
    }
    ledger().mark_released(released);
  } catch (...) {
    // Left incomplete: the next run reconciles them.
  }
}

RecordTicket IssuanceJournal::on_signed(const SignedCertificate& issued) {
  const Certificate& cert = issued.certificate;
  const CertificateRequest& req = issued.request;
  IssuanceRecord r;
  r.serial = req.serial ? serial_hex(*req.serial) : cert.serial_hex();
  r.subject = subject_to_string(req.subject);
  r.sans = record_sans(req.sans);
  if (issued.issuer) {
    r.issuer = subject_to_string(issued.issuer->subject());
    r.issuer_key_id = hex_of(issued.issuer_key_id);
  } else {
    r.issuer = r.subject;
    r.issuer_key_id = issuer_key_id(cert);
  }
  r.not_before = req.validity.not_before;
  r.not_after = req.validity.not_after;
  r.profile = profile_of(req);
  r.sha256 = sha256_hex(cert.der());
  r.der = cert.der();
  r.ca_key_uri = issued.key_uri;
  r.backend = issued.backend;
  r.command = context_.command;
  r.host = context_.host;
  r.user = context_.user;
  r.pid = context_.pid;
  std::lock_guard<std::mutex> lock(mutex_);
  std::uint64_t id = next_ticket_++;
  pending_.emplace(id, std::move(r));
  return {this, id};
}

std::vector<IssuanceRecord> IssuanceJournal::take_installed(
    std::span<const CarriedCertificate> files) {
  // The writer says which certificate each file carries: one lookup a file. A certificate
  // carried by several files of the group is recorded with each of them as a destination; one
  // already stored by an earlier group (a CA certificate's later copies) is not recorded again.
  std::vector<std::uint64_t> taken;
  taken.reserve(files.size());
  std::error_code ec;
  const std::filesystem::path cwd = std::filesystem::current_path(ec);
  for (const CarriedCertificate& f : files) {
    if (f.record.recorder != this) continue;
    auto it = pending_.find(f.record.id);
    if (it == pending_.end()) continue;
    if (it->second.destinations.empty()) taken.push_back(f.record.id);
    it->second.destinations.push_back(absolute_path(f.path, cwd));
  }
  std::vector<IssuanceRecord> ready;
  ready.reserve(taken.size());
  for (std::uint64_t id : taken) {
    auto node = pending_.extract(id);
    ready.push_back(std::move(node.mapped()));
  }
  return ready;
}

void IssuanceJournal::before_install(std::span<const CarriedCertificate> files) {
  std::vector<IssuanceRecord> ready;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (pending_.empty()) return;
    ready = take_installed(files);
  }
  store(std::move(ready));
}

void IssuanceJournal::store(std::vector<IssuanceRecord> records) {
  if (records.empty()) return;
  TimePoint now = now_seconds();
  for (IssuanceRecord& r : records) r.issued_at = now;
  {
    // One connection serves one thread at a time, and groups (or CAs) may be stored from several.
    std::lock_guard<std::mutex> lock(ledger_mutex_);
    ledger().record(records);  // throws: the caller does not install its files
  }
  std::lock_guard<std::mutex> lock(mutex_);
  for (IssuanceRecord& r : records) stored_.push_back({r.key(), std::move(r.destinations)});
}

void IssuanceJournal::finish() {
  std::vector<IssuanceRecord> unwritten;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [id, record] : pending_) unwritten.push_back(std::move(record));
    pending_.clear();
  }
  if (unwritten.empty() && stored_.empty()) {  // signed nothing: no ledger to touch
    finished_ = true;
    return;
  }
  // Signed but never written anywhere: still something this key signed.
  store(unwritten);
  for (const IssuanceRecord& r : unwritten) ledger().settle(r.key(), RecordState::Abandoned);
  std::vector<RecordKey> released;
  for (const Stored& r : stored_)
    if (!r.destinations.empty()) released.push_back(r.key);
  ledger().mark_released(released);
  finished_ = true;
}

}  // namespace kpki::ledger
