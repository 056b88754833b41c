#include "core/certificate_authority.h"
#include "core/time_format.h"

#include <openssl/err.h>

#include <ctime>

#include "core/certificate_builder.h"
#include "core/certificate_signing.h"
#include "core/error.h"
#include "core/ledger/journal_hooks.h"
#include "core/public_key.h"
#include "core/serial.h"

namespace kpki {

namespace {

std::string format_time(TimePoint t) { return format_utc(t, "%Y-%m-%d %H:%M:%S UTC"); }

Bytes subject_key_identifier_of(const Certificate& ca) {
  const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(ca.x509());
  if (ski)
    return Bytes(ASN1_STRING_get0_data(ski), ASN1_STRING_get0_data(ski) + ASN1_STRING_length(ski));
  return sha1_key_identifier(ca.public_key_der());  // a foreign CA without SKI
}

}  // namespace

CertificateAuthority::CertificateAuthority(Certificate ca_certificate,
                                           std::shared_ptr<const Signer> signer,
                                           const std::string& ca_origin)
    : certificate_(std::move(ca_certificate)), signer_(std::move(signer)) {
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
  signing_ = std::make_unique<SigningContext>(*signer_, public_key_.get());
}

Certificate CertificateAuthority::issue(const CertificateRequest& request) const {
  CertificateRequest capped = request;
  // A certificate cannot outlive its issuer in any useful way; clients reject the chain then.
  if (capped.validity.not_after > certificate_.not_after())
    capped.validity.not_after = certificate_.not_after();
  IssuerIdentity issuer{X509_get_subject_name(certificate_.x509()), key_identifier_};
  if (!capped.serial) capped.serial = random_serial();  // known to the ledger without a parse
  X509Ptr unsigned_cert = build_unsigned_certificate(capped, issuer);
  Certificate cert = signing_->sign(unsigned_cert.get());
  ledger::journal_issued({cert, capped, &certificate_, signer_->public_key_der(), key_identifier_});
  return cert;
}

Certificate CertificateAuthority::self_sign(CertificateRequest request, const Signer& signer) {
  if (request.subject_public_key.empty()) request.subject_public_key = signer.public_key_der();
  if (request.subject_public_key != signer.public_key_der()) {
    throw Error(ErrorCode::InvalidInput,
                "a self-signed certificate must certify the signer's own key");
  }
  if (!request.serial) request.serial = random_serial();
  X509Ptr unsigned_cert = build_unsigned_certificate(request, IssuerIdentity{});
  EvpPkeyPtr key = public_key_from_der(signer.public_key_der());
  Certificate cert = sign_certificate(unsigned_cert.get(), signer, key.get());
  ledger::journal_issued({cert, request, nullptr, signer.public_key_der(), {}});
  return cert;
}

}  // namespace kpki
