#include <memory>

#include "backends/pkcs11/ck_error.h"
#include "backends/pkcs11/module_leaks.h"
#include "backends/pkcs11/pkcs11_key_manager.h"
#include "backends/pkcs11/pkcs11_mechanisms.h"
#include "backends/pkcs11/pkcs11_objects.h"
#include "backends/pkcs11_sign_reference.h"
#include "core/util/error.h"

namespace kpki {

std::optional<RawSignLoop> pkcs11_raw_sign_loop(const std::string& key_uri, Algorithm algorithm,
                                                ByteView message, const std::string& module,
                                                std::string* why) {
  Pkcs11Uri uri = parse_pkcs11_uri(key_uri);
  if (!uri.object) {
    if (why) *why = "raw C_Sign reference needs the key's object label";
    return std::nullopt;
  }
  // The same module, token and login kpki's signer uses (both are per process), but none of its
  // code on the signing path: one session per thread, C_SignInit + C_Sign in a loop.
  Pkcs11Module& loaded = Pkcs11Module::get(pkcs11_module_path(uri, module));
  Pkcs11Token& token = Pkcs11Token::find(loaded, uri);
  token.login(uri);
  // What kpki's signer gives the token, computed once: the reference is the token alone.
  auto input = std::make_shared<Bytes>(pkcs11_sign_input(algorithm, message));
  CK_MECHANISM_TYPE mechanism = pkcs11_mechanisms(algorithm).sign;
  if (mechanism == CKM_RSA_PKCS && is_tpm2_pkcs11(loaded.functions())) {
    // As kpki's signer does there: tpm2-pkcs11 signs RSA only by hashing on the token.
    mechanism = CKM_SHA256_RSA_PKCS;
    *input = Bytes(message.begin(), message.end());
  }
  std::string label = *uri.object;
  size_t signature_size = pkcs11_mechanisms(algorithm).signature_size;
  auto factory = [&token, label, input, mechanism, signature_size]() -> std::function<void()> {
    std::shared_ptr<Pkcs11Session> session(new Pkcs11Session(token.acquire()));
    auto found = find_objects(*session, {Pkcs11Attr::ulong(CKA_CLASS, CKO_PRIVATE_KEY),
                                         Pkcs11Attr::text(CKA_LABEL, label)});
    if (found.size() != 1) throw Error(ErrorCode::NotFound, "reference: key '" + label + "'");
    CK_OBJECT_HANDLE key = found.front();
    auto signature = std::make_shared<Bytes>(signature_size);
    return [session, key, input, mechanism, signature] {
      CK_MECHANISM ck_mechanism{mechanism, nullptr, 0};
      CK_FUNCTION_LIST* fn = session->fn();
      KPKI_IGNORE_MODULE_LEAKS();
      check_ck(fn->C_SignInit(session->handle(), &ck_mechanism, key), "reference: C_SignInit");
      CK_ULONG len = signature->size();
      check_ck(fn->C_Sign(session->handle(), input->data(), input->size(), signature->data(), &len),
               "reference: C_Sign");
    };
  };
  return RawSignLoop{"PKCS#11 C_Sign", factory};
}

}  // namespace kpki
