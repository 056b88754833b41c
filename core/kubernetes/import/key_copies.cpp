#include "core/kubernetes/import/key_copies.h"

#include <openssl/decoder.h>
#include <openssl/err.h>

#include <algorithm>
#include <filesystem>
#include <string_view>

#include "core/fs/file_io.h"
#include "core/fs/secret.h"
#include "core/util/ossl_ptr.h"
#include "core/x509/public_key.h"

namespace kpki::kube {

namespace fs = std::filesystem;

namespace {

// Key files are a few KiB; anything much larger is not one (and is not read).
constexpr std::uintmax_t kMaxKeyFileSize = 1 << 20;

// No passphrase is ever asked for: an encrypted key is reported, not opened.
int no_passphrase(char*, int, int, void*) { return -1; }

enum class KeyContent { NotAKey, Unreadable, Key };

// The private key in `content` (PEM or DER, PKCS#8, SEC1 or PKCS#1, any line endings).
KeyContent read_private_key(const Bytes& content, EvpPkeyPtr& key) {
  EVP_PKEY* raw = nullptr;
  OsslPtr<OSSL_DECODER_CTX, OSSL_DECODER_CTX_free> ctx(OSSL_DECODER_CTX_new_for_pkey(
      &raw, nullptr, nullptr, nullptr, EVP_PKEY_KEYPAIR, nullptr, nullptr));
  if (!ctx) return KeyContent::NotAKey;
  OSSL_DECODER_CTX_set_pem_password_cb(ctx.get(), no_passphrase, nullptr);
  const unsigned char* data = content.data();
  size_t length = content.size();
  bool decoded = OSSL_DECODER_from_data(ctx.get(), &data, &length) == 1;
  key.reset(raw);
  ERR_clear_error();
  if (decoded && key) return KeyContent::Key;
  // A PEM private key OpenSSL could not open without a passphrase (or at all) may be a copy.
  std::string_view text(reinterpret_cast<const char*>(content.data()), content.size());
  return text.find("PRIVATE KEY-----") != std::string_view::npos ? KeyContent::Unreadable
                                                                 : KeyContent::NotAKey;
}

bool ends_with_component(const std::string& path, const std::string& rel) {
  return path.size() > rel.size() && path.compare(path.size() - rel.size(), rel.size(), rel) == 0 &&
         path[path.size() - rel.size() - 1] == '/';
}

PlannedFile skipped(const std::string& path, const std::string& why) {
  return {path, PlanAction::Skip, why, "", "", PlannedKind::Copy, "", false};
}

}  // namespace

PlannedFile planned_key_removal(const std::string& path, const std::string& what) {
  return {path,
          PlanAction::Remove,
          what + " (overwritten, fsync'd, unlinked)",
          "",
          "",
          PlannedKind::Copy,
          "",
          false};
}

std::vector<PlannedFile> find_key_copies(const std::string& dir, const Bytes& public_key_der,
                                         const std::string& key_rel, const std::string& ca) {
  EvpPkeyPtr ca_public = public_key_from_der(public_key_der);
  std::vector<std::string> paths;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && !entry.is_symlink() && entry.file_size() <= kMaxKeyFileSize)
      paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<PlannedFile> out;
  for (const std::string& path : paths) {
    Bytes content = read_file(path);
    WipeOnExit wipe(content);
    EvpPkeyPtr key;
    KeyContent kind = read_private_key(content, key);
    if (kind == KeyContent::Key && EVP_PKEY_eq(key.get(), ca_public.get()) == 1) {
      out.push_back(planned_key_removal(path, "copy of the " + ca + " key"));
    } else if (kind == KeyContent::Unreadable) {
      out.push_back(skipped(path,
                            "a private key kpki cannot read (encrypted?); left in place: "
                            "check it is not a copy of the " +
                                ca + " key"));
    } else if (ends_with_component(path, key_rel)) {
      out.push_back(skipped(path, "not the " + ca + " key being imported; left in place"));
    }
  }
  return out;
}

}  // namespace kpki::kube
