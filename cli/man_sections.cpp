#include "cli/man_sections.h"

#include "cli/doc_path.h"

namespace kpki::cli {

const char* const kDescription =
    "kpki builds every certificate of a cluster (X.509 v3: subject, SANs, key usage, EKU, "
    "basicConstraints, SKI/AKI, random serial, validity) in one pipeline and has an abstract "
    "signer sign it, so that a CA's private key can stay in an HSM. Every certificate is verified "
    "against its issuer's public key before it is written, and recorded in its CA's issuance "
    "ledger. Every verb has --help with an example. Durations take 8760h, 90d, 30m or "
    "combinations (1h30m). Passphrases and PINs are read from files, never from the command line.";

std::string error_code_meaning(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidInput:
      return "invalid input (a file, URI, flag value or config field)SH";
    case ErrorCode::NotFound:
      return "not found (a file, token or key)SH";
    case ErrorCode::AlreadyExists:
      return "already exists (--force replaces a file; a token object is never overwritten)SH";
    case ErrorCode::Unsupported:
      return "unsupported (for example a backend this build was compiled without)SH";
    case ErrorCode::PinIncorrect:
      return "PIN incorrect";
    case ErrorCode::DeviceError:
      return "device error (PKCS#11 module or token)SH";
    case ErrorCode::CryptoError:
      return "crypto error";
  }
  return "";
}

std::string key_uris_section() {
  return R"SH(.SH KEY URIS
.TP
\fIPATH\fR, \fBfile:\fIPATH\fR
OpenSSL key file (PKCS#8 PEM, mode 0600; PKCS#1 and SEC1 are read too).
.TP
\fBbotan:\fIPATH\fR
Botan, an independent software implementation (PKCS#8 PEM).
.TP
\fBpkcs11:token=\fIT\fB;object=\fIO\fB?pin\-source=file:\fIPIN\fR
A PKCS#11 token key (RFC 7512); \fBmodule\-name=\fR picks a module p11\-kit registers,
\fBmodule\-path=\fR an absolute path.
.TP
\fBlibp11:token=\fIT\fB;object=\fIO\fB?pin\-source=file:\fIPIN\fR
The same token key through libp11 and OpenSSL's EVP (RSA, ECDSA).
.PP
Algorithms: \fBrsa\-2048\fR, \fBrsa\-3072\fR, \fBrsa\-4096\fR, \fBecdsa\-p256\fR, \fBecdsa\-p384\fR,
\fBed25519\fR. Key, PIN and passphrase files must be private (mode 0600).
)SH";
}

std::string environment_section() {
  return R"SH(.SH ENVIRONMENT
.TP
.B KPKI_PKCS11_MODULE
PKCS#11 module for a \fBpkcs11:\fR URI with neither \fBmodule\-name\fR nor \fBmodule\-path\fR and
no \fB\-\-pkcs11\-module\fR (default: the one module p11\-kit registers, or softhsm2).
.TP
.B KPKI_LEDGER
The issuance ledger (a SQLite file or \fBpostgresql://\fR...) when \fB\-\-ledger\fR is not given.
.TP
.BR XDG_CONFIG_HOME ", " HOME
Where p11\-kit's per\-user module registry is read (\fI~/.config/pkcs11/modules\fR), for
\fBmodule\-name=\fR.
.TP
.B P11_KIT_NO_USER_CONFIG
Set: the per\-user p11\-kit registry is ignored, as p11\-kit itself does.
.TP
.B KPKI_DOC_DIR
The directory messages and this page name for kpki's documentation (set by the build; default:
the installed documentation).
.TP
.B KPKI_KUBEADM_WAY
For \fBbench \-\-cluster\fR: the directory of the Go program (\fIbench/kubeadm\-way\fR) run beside
kpki (default: the source tree's copy).
.TP
.B SOFTHSM2_CONF
Read by the SoftHSM module, not by kpki: the token directory \fBhsm\-setup/make\-token.sh\fR made.
)SH";
}

std::string files_section() {
  return ".SH FILES\n"
         ".TP\n.I *.crt, *.key\n"
         "PEM certificates (mode 0644) and PKCS#8 keys (mode 0600), written atomically; keys that "
         "group or others can read are refused.\n"
         ".TP\n.I OUT/ledger.db, OUT/ledger\\-state.json\n"
         "A kpki tree's issuance ledger (SQLite) and the record of which ledger and CRL numbers "
         "belong to it; beside the CA certificate for a CA outside a tree.\n"
         ".TP\n.I " +
         roff(KPKI_PACKAGE_LIBDIR) +
         "/kpki/kpki\\-ledger\\-postgresql.so\n"
         "The PostgreSQL ledger module (package kpki\\-ledger\\-postgresql), loaded only for a "
         "postgresql:// ledger.\n"
         ".TP\n.I ~/.config/pkcs11/modules/*.module, /usr/share/p11\\-kit/modules/*.module\n"
         "p11\\-kit's module registry, for \\fBmodule\\-name=\\fR.\n"
         ".TP\n.I " +
         roff(doc_path("")) +
         "\n"
         "README.md and docs/: " +
         roff(doc_path("docs/hsm.md")) + " (tokens), " + roff(doc_path("docs/config.md")) +
         " (the cluster config), " + roff(doc_path("docs/ca-lifecycle.md")) +
         " (import, rotation), " + roff(doc_path("docs/ledger.md")) + ", " +
         roff(doc_path("docs/policy.md")) + ", " + roff(doc_path("docs/plan.md")) + ".\n";
}

std::string see_also_section() {
  return ".SH SEE ALSO\n.BR openssl (1),\n.BR p11\\-kit (8),\n.BR softhsm2\\-util (1),\n"
         ".BR kubeadm (1)\n";
}

}  // namespace kpki::cli
