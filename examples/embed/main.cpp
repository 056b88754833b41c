// kpki embedded in another program: a backend written outside kpki (an OpenSSL key held in this
// process's memory) is registered under its own URI scheme, "memory:", and issues a CA and a
// server certificate through kpki's pipeline. Usage: kpki_embed OUT_DIR (writes ca.crt and
// server.crt there, PEM).
#include <openssl/evp.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "backends/backends.h"  // kpki::key_registry(): the built-in backends, for comparison
#include "core/issue/authority.h"
#include "core/keys/key_registry.h"
#include "core/util/ossl_ptr.h"

namespace {

// The outside backend's Signer: an ECDSA P-256 key in an EVP_PKEY. The engine only ever sees the
// public key and the signatures.
class MemorySigner final : public kpki::Signer {
 public:
  explicit MemorySigner(kpki::EvpPkeyPtr key) : key_(std::move(key)) {
    unsigned char* der = nullptr;
    int len = i2d_PUBKEY(key_.get(), &der);
    if (len <= 0) throw std::runtime_error("i2d_PUBKEY failed");
    public_key_.assign(der, der + len);
    OPENSSL_free(der);
  }

  kpki::Algorithm algorithm() const override { return kpki::Algorithm::EcdsaP256; }
  const kpki::Bytes& public_key_der() const override { return public_key_; }
  const kpki::Bytes& signature_algorithm() const override {
    return kpki::signature_algorithm_der(algorithm());
  }

  // One EVP_MD_CTX per call: safe from several threads, as Signer requires.
  kpki::Bytes sign(kpki::ByteView message) const override {
    kpki::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    size_t len = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len, message.data(), message.size()) != 1)
      throw std::runtime_error("memory signer: cannot start a signature");
    kpki::Bytes signature(len);
    if (EVP_DigestSign(ctx.get(), signature.data(), &len, message.data(), message.size()) != 1)
      throw std::runtime_error("memory signer: signing failed");
    signature.resize(len);
    return signature;
  }

 private:
  kpki::EvpPkeyPtr key_;
  kpki::Bytes public_key_;
};

// The outside backend's KeyManager: "memory:NAME" keys live as long as the manager.
class MemoryKeyManager final : public kpki::KeyManager {
 public:
  bool exists(const std::string& uri, const kpki::KeyOptions&) override {
    return keys_.count(uri) != 0;
  }
  std::unique_ptr<kpki::Signer> generate(const std::string& uri, kpki::Algorithm algorithm,
                                         const kpki::KeyOptions&) override {
    if (algorithm != kpki::Algorithm::EcdsaP256)
      throw std::runtime_error("memory: keys are ecdsa-p256 only");
    keys_[uri].reset(EVP_EC_gen("P-256"));
    if (!keys_[uri]) throw std::runtime_error("memory: key generation failed");
    return open(uri, {});
  }
  std::unique_ptr<kpki::Signer> open(const std::string& uri, const kpki::KeyOptions&) override {
    auto it = keys_.find(uri);
    if (it == keys_.end()) throw std::runtime_error("memory: no key " + uri);
    EVP_PKEY_up_ref(it->second.get());
    return std::make_unique<MemorySigner>(kpki::EvpPkeyPtr(it->second.get()));
  }

 private:
  std::map<std::string, kpki::EvpPkeyPtr> keys_;
};

void write_pem(const std::string& path, const kpki::Certificate& certificate) {
  std::ofstream out(path);
  out << certificate.pem();
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: kpki_embed OUT_DIR\n";
    return 2;
  }
  std::string out = argv[1];
  try {
    kpki::KeyRegistry registry;
    registry.add("memory", std::make_unique<MemoryKeyManager>());
    std::cout << "built-in backends: file=" << kpki::key_registry().supports("file")
              << " botan=" << kpki::key_registry().supports("botan")
              << " pkcs11=" << kpki::key_registry().supports("pkcs11") << "\n";

    // A root CA whose key is the outside backend's.
    std::shared_ptr<const kpki::Signer> ca_key =
        registry.open_or_generate("memory:ca", kpki::Algorithm::EcdsaP256, {});
    kpki::CertificateRequest root;
    root.subject.common_name = "embed-ca";
    root.is_ca = true;
    root.key_usage = kpki::kKeyCertSign | kpki::kCrlSign | kpki::kDigitalSignature;
    root.validity = kpki::Validity::from_now(std::chrono::hours(24 * 365));
    kpki::Authority ca(kpki::Authority::self_sign(root, *ca_key).certificate, ca_key);

    // A server certificate for a second outside key, issued (and re-verified) by the engine.
    auto leaf_key = registry.open_or_generate("memory:server", kpki::Algorithm::EcdsaP256, {});
    kpki::CertificateRequest leaf;
    leaf.subject.common_name = "embed-server";
    leaf.sans.dns = {"embed.example"};
    leaf.key_usage = kpki::kDigitalSignature;
    leaf.extended_key_usage = {kpki::ExtendedKeyUsage::ServerAuth};
    leaf.validity = kpki::Validity::from_now(std::chrono::hours(24 * 30));
    leaf.subject_public_key = leaf_key->public_key_der();
    kpki::Certificate server = ca.issue(leaf).certificate;

    write_pem(out + "/ca.crt", ca.certificate());
    write_pem(out + "/server.crt", server);
    std::cout << "issued " << kpki::subject_to_string(server.subject()) << " by "
              << kpki::subject_to_string(ca.certificate().subject()) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "kpki_embed: " << e.what() << "\n";
    return 1;
  }
}
