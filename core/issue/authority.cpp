#include "core/issue/authority.h"

#include <openssl/err.h>

#include <cctype>

#include "core/issue/certificate_builder.h"
#include "core/issue/crl_builder.h"
#include "core/util/error.h"
#include "core/util/key_uri_display.h"
#include "core/util/time_format.h"
#include "core/x509/public_key.h"
#include "core/x509/serial.h"

namespace kpki {

namespace {

std::string format_time(TimePoint t) { return format_utc(t, "%Y-%m-%d %H:%M:%S UTC"); }

Bytes subject_key_identifier_of(const Certificate& ca) {
  const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(ca.x509());
  if (ski)
    return Bytes(ASN1_STRING_get0_data(ski), ASN1_STRING_get0_data(ski) + ASN1_STRING_length(ski));
  return sha1_key_identifier(ca.public_key_der());  // a foreign CA without SKI
}

// The CA's subject as its certificate encodes it: the issuer name of everything it signs.
Bytes name_der_of(const X509_NAME* name) {
  const unsigned char* der = nullptr;
  size_t length = 0;
  if (X509_NAME_get0_der(name, &der, &length) != 1)
    throw_openssl_error(ErrorCode::CryptoError, "cannot encode the CA's subject");
  return Bytes(der, der + length);
}

RecordTicket record(const AuthorityOptions& options, const SignedCertificate& signed_certificate) {
  return options.recorder ? options.recorder->on_signed(signed_certificate) : RecordTicket{};
}

}  // namespace

std::string key_backend_name(std::string_view key_uri) {
  std::string_view scheme = key_uri.substr(0, key_uri.find(':'));
  if (scheme.size() == key_uri.size() || scheme.empty() ||
      !std::isalpha(static_cast<unsigned char>(scheme[0])))
    return "";
  for (char c : scheme) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
      return "";  // a path with a colon in it
  }
  return std::string(scheme);
}

Authority::Authority(Certificate ca_certificate, std::shared_ptr<const Signer> signer,
                     AuthorityOptions options)
    : certificate_(std::move(ca_certificate)),
      signer_(std::move(signer)),
      options_(std::move(options)),
      shown_key_uri_(redact_key_uri(options_.key_uri)),
      backend_(options_.backend.empty() ? key_backend_name(options_.key_uri) : options_.backend) {
  if (!options_.policy) throw Error(ErrorCode::InvalidInput, "an authority needs a policy");
  const std::string& ca_origin = options_.origin;
  X509* ca = certificate_.x509();
  uint32_t flags = X509_get_extension_flags(ca);
  if (!(flags & EXFLAG_BCONS) || !(flags & EXFLAG_CA)) {
    throw Error(ErrorCode::InvalidInput, ca_origin + " is not a CA (no basicConstraints CA:TRUE)");
  }
  if ((flags & EXFLAG_KUSAGE) && !(X509_get_key_usage(ca) & KU_KEY_CERT_SIGN)) {
    throw Error(ErrorCode::InvalidInput,
                ca_origin + " may not sign certificates (keyUsage lacks keyCertSign)");
  }
  TimePoint now = now_seconds();
  if (certificate_.not_after() <= now) {
    throw Error(ErrorCode::InvalidInput,
                ca_origin + " expired on " + format_time(certificate_.not_after()));
  }
  if (certificate_.not_before() > now) {
    throw Error(ErrorCode::InvalidInput,
                ca_origin + " is not valid before " + format_time(certificate_.not_before()));
  }
  public_key_ = public_key_from_der(certificate_.public_key_der());
  // A root whose self-signature fails is corrupt or tampered with; verifiers that check it would
  // reject every certificate issued under it, so refuse before issuing any.
  if (X509_NAME_cmp(X509_get_subject_name(ca), X509_get_issuer_name(ca)) == 0 &&
      X509_verify(ca, public_key_.get()) != 1) {
    ERR_clear_error();
    throw Error(ErrorCode::InvalidInput, ca_origin + ": its self-signature does not verify");
  }
  EvpPkeyPtr signer_key = public_key_from_der(signer_->public_key_der());
  if (EVP_PKEY_eq(public_key_.get(), signer_key.get()) != 1) {
    throw Error(ErrorCode::InvalidInput,
                ca_origin + " does not match the CA key (different public keys)");
  }
  key_identifier_ = subject_key_identifier_of(certificate_);
  name_der_ = name_der_of(X509_get_subject_name(ca));
  signing_ = std::make_unique<SigningContext>(*signer_, public_key_.get());
}

// A CA certificate under this one must fit its pathLenConstraint (RFC 5280 4.2.1.9): none
// under a CA with pathlen 0, and a smaller one under any other limited CA. Verifiers reject the
// chain otherwise; refusing here keeps such a certificate from being signed at all.
static void check_path_length(const Certificate& issuer, const CertificateRequest& request,
                              const std::string& origin) {
  long limit = X509_get_pathlen(issuer.x509());
  if (!request.is_ca || limit < 0) return;
  if (limit == 0)
    throw Error(ErrorCode::InvalidInput,
                origin + " has pathLenConstraint 0: it may not certify another CA");
  if (!request.path_length || *request.path_length >= limit)
    throw Error(ErrorCode::InvalidInput, origin + " has pathLenConstraint " +
                                             std::to_string(limit) +
                                             ": a CA under it needs a smaller one");
}

Issued Authority::issue(const CertificateRequest& request) const {
  options_.policy->check(request);
  check_path_length(certificate_, request, options_.origin);
  CertificateRequest capped = request;
  // A certificate cannot outlive its issuer in any useful way; clients reject the chain then.
  if (capped.validity.not_after > certificate_.not_after())
    capped.validity.not_after = certificate_.not_after();
  IssuerIdentity issuer{name_der_, key_identifier_};
  if (!capped.serial) capped.serial = random_serial();  // known to the ledger without a parse
  Bytes tbs = build_tbs_certificate(capped, issuer, signing_->signature_algorithm());
  Certificate cert = signing_->sign(tbs);  // verified, or it throws
  RecordTicket ticket =
      record(options_, {cert, capped, &certificate_, key_identifier_, shown_key_uri_, backend_});
  return {std::move(cert), ticket};
}

Issued Authority::self_sign(CertificateRequest request, const Signer& signer,
                            const AuthorityOptions& options) {
  if (!options.policy) throw Error(ErrorCode::InvalidInput, "an authority needs a policy");
  if (request.subject_public_key.empty()) request.subject_public_key = signer.public_key_der();
  if (request.subject_public_key != signer.public_key_der()) {
    throw Error(ErrorCode::InvalidInput,
                "a self-signed certificate must certify the signer's own key");
  }
  options.policy->check(request);
  if (!request.serial) request.serial = random_serial();
  EvpPkeyPtr key = public_key_from_der(signer.public_key_der());
  SigningContext signing(signer, key.get());
  Certificate cert =
      signing.sign(build_tbs_certificate(request, IssuerIdentity{}, signing.signature_algorithm()));
  std::string shown_key_uri = redact_key_uri(options.key_uri);
  std::string backend =
      options.backend.empty() ? key_backend_name(options.key_uri) : options.backend;
  RecordTicket ticket = record(options, {cert, request, nullptr, {}, shown_key_uri, backend});
  return {std::move(cert), ticket};
}

Crl Authority::issue_crl(const CrlRequest& request, const std::string& ca_origin) const {
  TbsSigner signing(*signer_, public_key_.get());
  Bytes tbs =
      build_crl_tbs(certificate_, key_identifier_, signing.algorithm_der(), request, ca_origin);
  return Crl::from_der(signing.sign(tbs, "CRL"), "issued CRL");
}

}  // namespace kpki
