#include "core/kubernetes/check/certificate_checks.h"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>

#include "core/issue/profiles.h"
#include "core/kubernetes/tree/expiration.h"
#include "core/kubernetes/tree/leaf_files.h"
#include "core/util/error.h"
#include "core/x509/pem.h"
#include "core/x509/subject_alt_names.h"

namespace kpki::kube {

namespace {

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? "none" : out;
}

// "DNS:a" for each name of `a` that `b` lacks.
std::vector<std::string> names_missing(const SubjectAltNames& a, const SubjectAltNames& b) {
  std::vector<std::string> out;
  auto scan = [&](const char* type, const std::vector<std::string>& mine,
                  const std::vector<std::string>& theirs) {
    for (const auto& name : mine) {
      if (std::find(theirs.begin(), theirs.end(), name) == theirs.end())
        out.push_back(std::string(type) + ":" + name);
    }
  };
  scan("DNS", a.dns, b.dns);
  scan("IP", a.ips, b.ips);
  scan("URI", a.uris, b.uris);
  scan("email", a.emails, b.emails);
  return out;
}

void check_identity(const Certificate& cert, const LeafSpec& spec, Findings& out) {
  Subject subject = cert.subject();
  if (subject.common_name != spec.subject.common_name)
    out.add(CheckArea::Identity, "CN is '" + subject.common_name + "', the table wants '" +
                                     spec.subject.common_name + "'");
  if (subject.organizations != spec.subject.organizations)
    out.add(CheckArea::Identity, "O is [" + join_list(subject.organizations) +
                                     "], the table wants [" +
                                     join_list(spec.subject.organizations) + "]");
}

void check_sans(const Certificate& cert, const LeafSpec& spec, Findings& out) {
  SubjectAltNames sans = cert.subject_alt_names();
  normalize_subject_alt_names(sans);
  std::vector<std::string> missing = names_missing(spec.sans, sans);
  std::vector<std::string> unexpected = names_missing(sans, spec.sans);
  if (!missing.empty()) out.add(CheckArea::Sans, "missing " + join_list(missing));
  if (!unexpected.empty()) out.add(CheckArea::Sans, "not in the table: " + join_list(unexpected));
}

std::string eku_text(bool server, bool client) {
  std::vector<std::string> names;
  if (server) names.push_back("serverAuth");
  if (client) names.push_back("clientAuth");
  return "[" + join_list(names) + "]";
}

void check_usages(const Certificate& cert, const LeafSpec& spec, Findings& out) {
  X509* x = cert.x509();
  uint32_t flags = X509_get_extension_flags(x);
  if (cert.is_ca()) out.add(CheckArea::Usages, "is a CA certificate (basicConstraints CA:TRUE)");
  if (!(flags & EXFLAG_KUSAGE)) {
    out.add(CheckArea::Usages, "no keyUsage extension (the table wants digitalSignature)");
  } else {
    uint32_t ku = X509_get_key_usage(x);
    if (!(ku & KU_DIGITAL_SIGNATURE)) out.add(CheckArea::Usages, "keyUsage lacks digitalSignature");
    if (ku & (KU_KEY_CERT_SIGN | KU_CRL_SIGN))
      out.add(CheckArea::Usages, "keyUsage allows signing certificates or CRLs");
  }
  CertificateRequest wanted;
  apply_profile(spec.profile, KeyType::Ec, wanted);
  auto wants = [&](ExtendedKeyUsage usage) {
    return std::find(wanted.extended_key_usage.begin(), wanted.extended_key_usage.end(), usage) !=
           wanted.extended_key_usage.end();
  };
  bool want_server = wants(ExtendedKeyUsage::ServerAuth);
  bool want_client = wants(ExtendedKeyUsage::ClientAuth);
  if (!(flags & EXFLAG_XKUSAGE)) {
    out.add(CheckArea::Usages, "no extendedKeyUsage extension (the table wants " +
                                   eku_text(want_server, want_client) + ")");
    return;
  }
  uint32_t xku = X509_get_extended_key_usage(x);
  bool server = xku & XKU_SSL_SERVER, client = xku & XKU_SSL_CLIENT;
  if (server != want_server || client != want_client)
    out.add(CheckArea::Usages, "extendedKeyUsage is " + eku_text(server, client) +
                                   ", the table wants " + eku_text(want_server, want_client));
}

}  // namespace

bool Findings::any_finding_since(size_t mark) const {
  for (size_t i = mark; i < items_.size(); ++i) {
    if (items_[i].severity == Severity::Finding) return true;
  }
  return false;
}

std::vector<Certificate> certificates_from_pem(const std::string& pem, const std::string& origin) {
  std::vector<Certificate> out;
  for (auto& block :
       decode_pem(ByteView(reinterpret_cast<const uint8_t*>(pem.data()), pem.size()), origin)) {
    if (block.label == "CERTIFICATE") out.push_back(Certificate::from_der(block.der, origin));
  }
  if (out.empty()) throw Error(ErrorCode::InvalidInput, origin + ": no CERTIFICATE block");
  return out;
}

void check_validity(const Certificate& cert, const CheckTime& time, Findings& out) {
  if (cert.not_before() > time.now) {
    out.add(CheckArea::Validity, "not valid before " + format_expiry_date(cert.not_before()));
  } else if (cert.not_after() <= time.now) {
    out.add(CheckArea::Validity, "expired on " + format_expiry_date(cert.not_after()));
  } else if (cert.not_after() - time.now < time.warn_within) {
    out.add(CheckArea::Validity,
            "expires in " + residual_time(cert.not_after(), time.now) + " (" +
                format_expiry_date(cert.not_after()) + ")",
            Severity::Warning);
  }
}

std::string chain_problem(std::span<const Certificate> chain, std::span<const Certificate> anchors,
                          std::span<const Certificate> extra) {
  X509StorePtr store(X509_STORE_new());
  X509StackPtr untrusted(sk_X509_new_null());
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !untrusted || !ctx) throw_openssl_error(ErrorCode::CryptoError, "out of memory");
  for (const auto& anchor : anchors) X509_STORE_add_cert(store.get(), anchor.x509());
  auto add_untrusted = [&](const Certificate& cert) {
    if (!X509_add_cert(untrusted.get(), cert.x509(), X509_ADD_FLAG_UP_REF))
      throw_openssl_error(ErrorCode::CryptoError, "out of memory");
  };
  for (size_t i = 1; i < chain.size(); ++i) add_untrusted(chain[i]);
  for (const auto& cert : extra) add_untrusted(cert);
  if (!X509_STORE_CTX_init(ctx.get(), store.get(), chain[0].x509(), untrusted.get()))
    throw_openssl_error(ErrorCode::CryptoError, "cannot set up verification");
  // Anchors as Go's roots: trusted as they are, self-signed or not. Validity is its own check.
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_NO_CHECK_TIME);
  int rc = X509_verify_cert(ctx.get());
  int err = X509_STORE_CTX_get_error(ctx.get());
  ERR_clear_error();
  return rc == 1 ? "" : X509_verify_cert_error_string(err);
}

void check_leaf_certificate(const std::vector<Certificate>& chain, const Bytes& key_spki,
                            const LeafSpec& spec, const std::vector<Certificate>& ca_bundle,
                            const CheckTime& time, Findings& out) {
  const Certificate& cert = chain.front();
  check_identity(cert, spec, out);
  check_sans(cert, spec, out);
  check_usages(cert, spec, out);
  if (!key_spki.empty() && cert.public_key_der() != key_spki)
    out.add(CheckArea::KeyPair, "the certificate does not certify this key");
  if (!ca_bundle.empty()) {
    std::span<const Certificate> bundle(ca_bundle);
    if (std::string why = chain_problem(chain, bundle.first(1), bundle.subspan(1)); !why.empty())
      out.add(CheckArea::Chain, "not signed by " + ca_spec(spec.ca).base_path + ".crt (" +
                                    subject_to_string(ca_bundle.front().subject()) + "): " + why);
  }
  check_validity(cert, time, out);
}

}  // namespace kpki::kube
