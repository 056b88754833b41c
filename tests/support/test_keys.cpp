#include "tests/support/test_keys.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "backends/leaf_key_sources.h"
#include "core/fs/file_io.h"
#include "core/issue/authority.h"
#include "core/issue/profiles.h"

namespace kpki::testing {

std::shared_ptr<const Signer> make_signer(Algorithm algorithm) {
  return leaf_key_source(LeafKeyLibrary::OpenSsl).generate(algorithm).signer;
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "kpki-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

CommandResult run_command(const std::string& command_line) {
  std::string full = command_line + " 2>&1";
  FILE* pipe = popen(full.c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed");
  std::string output;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) output.append(buf.data(), n);
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), output};
}

void write_private_file(const std::string& path, const std::string& content) {
  write_file_atomic(path, content, 0600, Overwrite::Yes);
}

std::string kpki_binary() {
  const char* env = std::getenv("KPKI");
  return env ? env : KPKI_BINARY;
}

CertificateRequest test_ca_request(const Signer& signer, const std::string& cn) {
  CertificateRequest request;
  request.subject.common_name = cn;
  apply_profile(Profile::Ca, key_type(signer.algorithm()), request);
  request.validity = Validity::from_now(std::chrono::hours(24 * 365));
  return request;
}

AuthorityOptions authority_options(IssuanceRecorder* recorder, std::string key_uri,
                                   std::shared_ptr<const IssuancePolicy> policy,
                                   std::string origin) {
  return {std::move(key_uri), std::move(policy), recorder, std::move(origin)};
}

Certificate make_test_ca(const Signer& signer, const std::string& cn) {
  return Authority::self_sign(test_ca_request(signer, cn), signer).certificate;
}

}  // namespace kpki::testing
