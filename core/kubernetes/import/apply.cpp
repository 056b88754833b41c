// apply_import (import.h): import, prove, write the config, and only then remove the source
// files.
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>

#include "core/fs/file_io.h"
#include "core/fs/file_shred.h"
#include "core/fs/secret.h"
#include "core/keys/key_capabilities.h"
#include "core/kubernetes/import/import.h"
#include "core/kubernetes/import/moves.h"
#include "core/kubernetes/tree/ca_chain.h"
#include "core/util/error.h"
#include "core/util/key_uri_display.h"
#include "core/x509/certificate.h"
#include "core/x509/public_key.h"

namespace kpki::kube {

namespace {

// The token key signs a fresh message; the signature must verify with the CA certificate's
// public key, so the certificates it signs from now on chain to the CA everyone trusts.
void prove_token_key(const KeyMove& k, const KeyRegistry& registry,
                     const KeyOptions& token_options) {
  auto signer = registry.manager_for(k.target_uri).open(k.target_uri, token_options);
  Bytes message(32);
  if (RAND_bytes(message.data(), static_cast<int>(message.size())) != 1) {
    throw_openssl_error(ErrorCode::CryptoError, "cannot make a test message");
  }
  Bytes signature = signer->sign(message);
  Certificate cert = first_certificate(k.cert_path);
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

// The move behind a planned key: the plan shows URIs redacted, the request has them whole.
const KeyMove& move_of(const PlannedKey& key, const std::vector<KeyMove>& moves) {
  auto it = std::find_if(moves.begin(), moves.end(), [&](const KeyMove& m) {
    return m.ca == key.ca && redact_key_uri(m.target_uri) == key.uri;
  });
  if (it == moves.end())
    throw Error(ErrorCode::InvalidInput,
                "the import plan's key " + key.ca + " is not one of the request's");
  return *it;
}

}  // namespace

Plan apply_import(const Plan& plan, const ImportRequest& request, const KeyRegistry& registry,
                  const KeyOptions& source_options, const KeyOptions& token_options,
                  std::ostream& log) {
  const std::vector<KeyMove> moves = key_moves(request, registry);
  std::vector<std::string> imported;
  try {
    for (const PlannedKey& key : plan.ca_keys) {
      if (key.action != PlanAction::Create) continue;
      const KeyMove& k = move_of(key, moves);
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
    for (const PlannedKey& key : plan.ca_keys) {
      const KeyMove& k = move_of(key, moves);
      prove_token_key(k, registry, token_options);
      log << "checked   " << k.ca << ": a test signature by the token key verifies against "
          << k.cert_path << "\n";
    }
    for (const PlannedFile& f : plan.files) {
      if (f.spec != "config") continue;
      const std::string text =
          imported_config_text(std::get<TreeImportRequest>(request), moves, registry);
      if (!file_exists(f.path) || read_text_file(f.path) != text) {
        write_file_atomic(f.path, text, 0600, Overwrite::No);
      }
      log << "wrote     " << f.path << " (caKeys on the token)\n";
    }
  } catch (const Error& e) {
    if (imported.empty()) throw;
    throw Error(e.code(),
                e.message() + " (already imported onto the token: " + names(imported) +
                    "; no source file was removed, run again to resume)",
                e.cause());
  }
  for (const PlannedFile& f : plan.files) {
    if (f.action != PlanAction::Remove) continue;
    overwrite_and_remove(f.path);
    log << "removed   " << f.path << " (overwritten with zeros, fsync'd, unlinked)\n";
  }
  return plan;  // every step was done as planned (or an error was thrown)
}

}  // namespace kpki::kube
