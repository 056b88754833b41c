#include "bench/micro/fixtures.h"

#include <stdlib.h>

#include <filesystem>
#include <map>
#include <mutex>

#include "backends/backends.h"
#include "backends/leaf_key_sources.h"
#include "core/issue/profiles.h"
#include "core/x509/public_key.h"

namespace kpki::micro {

namespace {

// Key files live for the whole process, in one private directory removed at exit.
class KeyDirectory {
 public:
  KeyDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "kpki-micro-XXXXXX").string();
    if (mkdtemp(pattern.data())) path_ = pattern;
  }
  ~KeyDirectory() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  std::string key_file(Algorithm algorithm) {
    auto it = files_.find(algorithm);
    if (it != files_.end()) return it->second;
    std::string path = path_ + "/" + std::string(algorithm_name(algorithm)) + ".key";
    key_registry().manager_for(path).generate(path, algorithm, {});
    return files_[algorithm] = path;
  }

 private:
  std::string path_;
  std::map<Algorithm, std::string> files_;
};

KeyDirectory& keys() {
  static KeyDirectory directory;
  return directory;
}

}  // namespace

std::shared_ptr<const Signer> bench_signer(const std::string& backend, Algorithm algorithm) {
  // Threaded benchmarks call this from every thread; they must all share one Signer, which is the
  // point of measuring them.
  static std::mutex mutex;
  static std::map<std::pair<std::string, Algorithm>, std::shared_ptr<const Signer>> signers;
  std::lock_guard lock(mutex);
  auto& signer = signers[{backend, algorithm}];
  if (signer) return signer;
  std::string scheme = backend == "openssl" ? "file" : backend;
  if (!key_registry().supports(scheme)) return nullptr;
  std::string uri = scheme + ":" + keys().key_file(algorithm);
  signer = key_registry().manager_for(uri).open(uri, {});
  return signer;
}

const CertificateRequest& apiserver_request() {
  static const CertificateRequest request = [] {
    CertificateRequest r;
    r.subject.common_name = "kube-apiserver";
    r.sans.dns = {"kubernetes", "kubernetes.default", "kubernetes.default.svc",
                  "kubernetes.default.svc.cluster.local", "control-plane-1"};
    r.sans.ips = {"10.96.0.1", "192.168.1.10"};
    apply_profile(Profile::Server, KeyType::Ec, r);
    r.validity = Validity::from_now(std::chrono::hours(1));
    r.subject_public_key = leaf_key_source(LeafKeyLibrary::OpenSsl)
                               .generate(Algorithm::EcdsaP256)
                               .signer->public_key_der();
    return r;
  }();
  return request;
}

Authority bench_authority(std::shared_ptr<const Signer> signer) {
  CertificateRequest ca;
  ca.subject.common_name = "kpki micro-benchmark CA";
  apply_profile(Profile::Ca, key_type(signer->algorithm()), ca);
  ca.validity = Validity::from_now(std::chrono::hours(24));
  Certificate certificate = Authority::self_sign(ca, *signer).certificate;
  return Authority(std::move(certificate), std::move(signer));
}

}  // namespace kpki::micro
