#pragma once
// What the files of a cluster CA carry when the CA sits under another CA: an offline root over
// the cluster's intermediate CAs (docs/ca-lifecycle.md, "An offline root over the cluster's
// CAs", where each rule is traced to kubeadm's and etcd's source).
//  - The CA certificate file (pki/ca.crt, pki/etcd/ca.crt, pki/front-proxy-ca.crt) and each
//    kubeconfig's certificate-authority-data: the CA first (kubeadm takes a CA file's first
//    certificate as the CA, pkiutil.TryLoadCertFromDisk), then the certificates above it up to
//    the root. Go (--client-ca-file, etcd --trusted-ca-file) and OpenSSL take every certificate
//    of such a file as a trust anchor, so nodes keep trusting leaves of a new intermediate under
//    the same root.
//  - A leaf's certificate file and a kubeconfig's client-certificate-data: the leaf, then the CA
//    and any intermediate above it, never the root: the chain a TLS peer sends (kubeadm reads a
//    leaf file's further certificates as its intermediates, pkiutil.TryLoadCertChainFromDisk).
// A self-signed CA has nothing above it: its files hold the one certificate each.
#include <string>
#include <vector>

#include "core/x509/certificate.h"

namespace kpki::kube {

struct CaFiles {
  std::string trust_pem;  // the CA certificate file, certificate-authority-data
  std::string chain_pem;  // appended to each leaf certificate; "" for a self-signed CA
};

CaFiles ca_files(const Certificate& ca, const std::vector<Certificate>& above);

// The certificates of `pool` above `ca`, its issuer first, up to a self-signed one (or the last
// issuer `pool` holds). A certificate of `pool` that issued none of them (the old CA of a
// rotation bundle) is left out.
std::vector<Certificate> chain_above(const Certificate& ca, const std::vector<Certificate>& pool);

// True when `cert` is self-signed: its issuer is its subject and its signature verifies with its
// own key.
bool self_signed(const Certificate& cert);

// The CA files of the CA certificate file at `path`: its first certificate, and those of the
// file that are above it.
CaFiles ca_files_of_file(const std::string& path);

// The first certificate of a file that may carry a chain after it (a CA file, a leaf file; PEM
// or DER), as kubeadm reads it (pkiutil.TryLoadCertFromDisk). Every PEM block must be a
// certificate, and those after the first the chain above it. Errors name the file.
Certificate first_certificate(const std::string& path);
// The same from PEM text (a kubeconfig's client-certificate-data); errors name `origin`.
Certificate first_certificate_of_pem(const std::string& pem, const std::string& origin);

}  // namespace kpki::kube
