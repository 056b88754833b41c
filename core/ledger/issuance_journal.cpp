// IssuanceJournal: pending certificates, their records stored before their files are installed,
// released at the end; and the process-wide hooks that feed it.
#include "core/ledger/issuance_journal.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <unordered_map>

#include "core/certificate.h"
#include "core/error.h"
#include "core/key_uri_display.h"
#include "core/kubernetes/kubeconfig.h"
#include "core/ledger/ledger_storage.h"
#include "core/pem.h"

namespace kpki::ledger {

namespace {

std::atomic<IssuanceJournal*> g_active{nullptr};

// Signing keys seen in this process (SPKI -> redacted URI, backend): kept whether or not a
// journal is active yet, as a command may open its CA key before it starts one.
struct SigningKey {
  std::string uri;
  std::string backend;
};
std::mutex g_keys_mutex;
std::map<Bytes, SigningKey>& signing_keys() {
  static std::map<Bytes, SigningKey> keys;
  return keys;
}

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

std::vector<std::string> san_list(const SubjectAltNames& sans) {
  std::vector<std::string> out;
  for (const auto& v : sans.dns) out.push_back("DNS:" + v);
  for (const auto& v : sans.ips) out.push_back("IP:" + v);
  for (const auto& v : sans.uris) out.push_back("URI:" + v);
  for (const auto& v : sans.emails) out.push_back("email:" + v);
  return out;
}

// Destinations are kept absolute: reconcile may run from another directory.
std::string absolute_path(std::string_view path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(std::filesystem::path(path), ec);
  return ec ? std::string(path) : p.lexically_normal().string();
}

}  // namespace

JournalContext JournalContext::of_this_process(std::string command) {
  JournalContext c;
  c.command = redact_key_uri(command);
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
    : open_(std::move(open)), context_(std::move(context)) {
  IssuanceJournal* none = nullptr;
  if (!g_active.compare_exchange_strong(none, this))
    throw Error(ErrorCode::InvalidInput, "an issuance journal is already active");
}

Ledger& IssuanceJournal::ledger() {
  if (!ledger_) {
    ledger_ = open_();
    reconciled_ = reconcile(*ledger_, true);
  }
  return *ledger_;
}

IssuanceJournal::~IssuanceJournal() {
  g_active.store(nullptr);
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

void IssuanceJournal::on_issued(const IssuedCertificate& issued) {
  const Certificate& cert = issued.certificate;
  const CertificateRequest& req = issued.request;
  IssuanceRecord r;
  r.serial = req.serial ? serial_hex(*req.serial) : cert.serial_hex();
  r.subject = subject_to_string(req.subject);
  r.sans = san_list(req.sans);
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
  r.command = context_.command;
  r.host = context_.host;
  r.user = context_.user;
  r.pid = context_.pid;
  std::string pem = cert.pem();
  std::string pem_base64 = kube::base64_encode(pem);
  {
    std::lock_guard<std::mutex> lock(g_keys_mutex);
    auto key = signing_keys().find(
        Bytes(issued.signer_public_key.begin(), issued.signer_public_key.end()));
    if (key != signing_keys().end()) {
      r.ca_key_uri = key->second.uri;
      r.backend = key->second.backend;
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  pending_.push_back({std::move(r), std::move(pem), std::move(pem_base64)});
}

std::vector<IssuanceRecord> IssuanceJournal::take_installed(std::span<const FileToInstall> files) {
  // One lookup a file, not a search of every file for every pending certificate (init installs
  // groups of hundreds of files with hundreds of certificates pending): a certificate file is
  // its PEM, a kubeconfig holds the base64 of it as client-certificate-data. Any other file that
  // holds a certificate (a bundle) is searched.
  std::unordered_map<std::string_view, size_t> by_text;
  for (size_t i = 0; i < pending_.size(); ++i) {
    by_text.emplace(pending_[i].pem, i);
    by_text.emplace(pending_[i].pem_base64, i);
  }
  std::vector<bool> held(pending_.size());
  for (const FileToInstall& f : files) {
    std::string_view data(reinterpret_cast<const char*>(f.data.data()), f.data.size());
    auto hold = [&](size_t i) {
      pending_[i].record.destinations.push_back(absolute_path(f.path));
      held[i] = true;
    };
    if (auto it = by_text.find(data); it != by_text.end()) {
      hold(it->second);
      continue;
    }
    if (auto it = by_text.find(kube::client_certificate_data_of(data)); it != by_text.end()) {
      hold(it->second);
      continue;
    }
    if (data.find("-----BEGIN CERTIFICATE-----") == std::string_view::npos &&
        data.find("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t") == std::string_view::npos)
      continue;  // holds no certificate, in PEM or base64 of PEM
    for (size_t i = 0; i < pending_.size(); ++i) {
      if (data.find(pending_[i].pem) != std::string_view::npos ||
          data.find(pending_[i].pem_base64) != std::string_view::npos)
        hold(i);
    }
  }
  std::vector<IssuanceRecord> ready;
  std::vector<Pending> still_pending;
  for (size_t i = 0; i < pending_.size(); ++i) {
    if (held[i])
      ready.push_back(std::move(pending_[i].record));
    else
      still_pending.push_back(std::move(pending_[i]));
  }
  pending_ = std::move(still_pending);
  return ready;
}

void IssuanceJournal::on_install(std::span<const FileToInstall> files) {
  std::vector<IssuanceRecord> ready;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (pending_.empty()) return;
    ready = take_installed(files);
  }
  store(std::move(ready));
}

void IssuanceJournal::record_pending(const std::string& destination) {
  std::vector<IssuanceRecord> ready;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (Pending& p : pending_) {
      p.record.destinations.push_back(destination);
      ready.push_back(std::move(p.record));
    }
    pending_.clear();
  }
  store(std::move(ready));
}

void IssuanceJournal::store(std::vector<IssuanceRecord> records) {
  if (records.empty()) return;
  TimePoint now = now_seconds();
  for (IssuanceRecord& r : records) r.issued_at = now;
  ledger().record(records);  // throws: the caller does not install its files
  std::lock_guard<std::mutex> lock(mutex_);
  for (IssuanceRecord& r : records) stored_.push_back({r.key(), std::move(r.destinations)});
}

void IssuanceJournal::finish() {
  std::vector<IssuanceRecord> unwritten;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (Pending& p : pending_) unwritten.push_back(std::move(p.record));
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

void journal_issued(const IssuedCertificate& issued) {
  if (IssuanceJournal* j = g_active.load()) j->on_issued(issued);
}

void journal_before_install(std::span<const FileToInstall> files) {
  if (IssuanceJournal* j = g_active.load()) j->on_install(files);
}

void journal_signing_key(ByteView public_key_der, std::string_view key_uri,
                         std::string_view backend) {
  std::lock_guard<std::mutex> lock(g_keys_mutex);
  signing_keys()[Bytes(public_key_der.begin(), public_key_der.end())] = {
      redact_key_uri(std::string(key_uri)), std::string(backend)};
}

}  // namespace kpki::ledger
