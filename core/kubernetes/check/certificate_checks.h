#pragma once
// The checks `certs check` runs on one certificate (and the fill step before embedding one):
// each adds what it finds to a Findings list and never throws for what is wrong with the
// certificate itself.
#include <span>
#include <string>
#include <vector>

#include "core/kubernetes/check/tree_check.h"
#include "core/util/display_text.h"

namespace kpki::kube {

class Findings {
 public:
  Findings(std::vector<CheckItem>& items, std::string file, std::string name)
      : items_(items), file_(std::move(file)), name_(std::move(name)) {}
  void add(CheckArea area, std::string message, Severity severity = Severity::Finding) {
    // Names in messages come from certificates: shown (and put in JSON) only as printable text.
    items_.push_back({severity, file_, name_, area, printable(message)});
  }
  // A findings list for another file of the same leaf.
  Findings for_file(std::string file) const { return Findings(items_, std::move(file), name_); }
  size_t size() const { return items_.size(); }
  bool any_finding_since(size_t mark) const;

 private:
  std::vector<CheckItem>& items_;
  std::string file_;
  std::string name_;
};

struct CheckTime {
  TimePoint now;
  std::chrono::seconds warn_within;
};

// Certificates from PEM text (a file's or a kubeconfig's), leaf first; InvalidInput naming
// `origin` when there is none or one is broken.
std::vector<Certificate> certificates_from_pem(const std::string& pem, const std::string& origin);

// Not yet valid / expired (findings), expiring within warn_within (a warning).
void check_validity(const Certificate& cert, const CheckTime& time, Findings& out);

// Why `chain[0]` does not chain to one of `anchors` through the other certificates of `chain`
// and `extra` (checked as Go's x509.Verify would with the anchors as roots: an anchor need not be
// self-signed; times are checked elsewhere); "" when it does.
std::string chain_problem(std::span<const Certificate> chain, std::span<const Certificate> anchors,
                          std::span<const Certificate> extra = {});

// A leaf against the table's `spec`: identity, SANs, usages, key pair with `key_spki`
// (DER SubjectPublicKeyInfo; empty when the key is missing), validity, and the chain to
// `ca_bundle` (the tree's CA file: its first certificate is the issuer, the rest may complete
// the chain; empty when the CA is missing, already reported).
void check_leaf_certificate(const std::vector<Certificate>& chain, const Bytes& key_spki,
                            const LeafSpec& spec, const std::vector<Certificate>& ca_bundle,
                            const CheckTime& time, Findings& out);

}  // namespace kpki::kube
