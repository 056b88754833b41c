// Applying a kpki ca import plan (core/kubernetes/import/import.h): import, prove, write the
// config, and only then remove the source files.
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/fs/file_io.h"
#include "core/fs/file_shred.h"
#include "core/fs/secret.h"
#include "core/keys/key_capabilities.h"
#include "core/kubernetes/import/import.h"
#include "core/util/error.h"
#include "core/util/key_uri_display.h"
#include "core/x509/certificate.h"
#include "core/x509/public_key.h"

namespace kpki::kube {

namespace {

// The token key signs a fresh message; the signature must verify with the CA certificate's
// public key, so the certificates it signs from now on chain to the CA everyone trusts.
void prove_token_key(const KeyImport& k, const KeyRegistry& registry,
                     const KeyOptions& token_options) {
  auto signer = registry.manager_for(k.target_uri).open(k.target_uri, token_options);
  Bytes message(32);
  if (RAND_bytes(message.data(), static_cast<int>(message.size())) != 1) {
    throw_openssl_error(ErrorCode::CryptoError, "cannot make a test message");
  }
  Bytes signature = signer->sign(message);
  Certificate cert = Certificate::load(k.cert_path);
  EvpPkeyPtr key = public_key_from_der(cert.public_key_der());
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok = ctx &&
            EVP_DigestVerifyInit(ctx.get(), nullptr, signature_digest(signer->algorithm()), nullptr,
                                 key.get()) == 1 &&
            EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                             message.size()) == 1;
  if (!ok) {
    throw Error(ErrorCode::CryptoError,
                "a test signature by token key '" + redact_key_uri(k.target_uri) +
                    "' does not verify against '" + k.cert_path + "'; no source file was removed");
  }
}

std::string names(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& n : list) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

void apply_import(const ImportPlan& plan, const KeyRegistry& registry,
                  const KeyOptions& source_options, const KeyOptions& token_options,
                  std::ostream& log) {
  std::vector<std::string> imported;
  try {
    for (const KeyImport& k : plan.keys) {
      if (k.action != PlanAction::Create) continue;
      auto& reader =
          registry.capability<PrivateKeyReader>(k.source_uri, "hand over a private key for import");
      auto& importer = registry.capability<KeyImporter>(
          k.target_uri, "import keys (the target must be a pkcs11: token)");
      Bytes pkcs8 = reader.read_private_key(k.source_uri, source_options);
      WipeOnExit wipe(pkcs8);
      importer.import_key(pkcs8, k.target_uri, token_options);
      imported.push_back(k.ca);
      log << "imported  " << k.ca << " -> " << redact_key_uri(k.target_uri) << "\n";
    }
    for (const KeyImport& k : plan.keys) {
      prove_token_key(k, registry, token_options);
      log << "checked   " << k.ca << ": a test signature by the token key verifies against "
          << k.cert_path << "\n";
    }
    if (!plan.out_config.empty()) {
      if (!file_exists(plan.out_config) ||
          read_text_file(plan.out_config) != plan.out_config_text) {
        write_file_atomic(plan.out_config, plan.out_config_text, 0600, Overwrite::No);
      }
      log << "wrote     " << plan.out_config << " (caKeys on the token)\n";
    }
  } catch (const Error& e) {
    if (imported.empty()) throw;
    throw Error(e.code(),
                e.message() + " (already imported onto the token: " + names(imported) +
                    "; no source file was removed, run again to resume)",
                e.cause());
  }
  for (const KeyImport& k : plan.keys) {
    for (const PlannedFile& f : k.files) {
      if (f.action != PlanAction::Remove) continue;
      overwrite_and_remove(f.path);
      log << "removed   " << f.path << " (overwritten with zeros, fsync'd, unlinked)\n";
    }
  }
}

}  // namespace kpki::kube
