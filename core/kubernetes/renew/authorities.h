#pragma once
// The CAs a node directory's leaves are renewed with (renew.h): each opened once, on first use,
// by plan_renew (to check a leaf chains to it) and by apply_renew (to sign).
#include <array>
#include <memory>
#include <string>

#include "core/issue/authority.h"
#include "core/kubernetes/model/cert_specs.h"
#include "core/kubernetes/renew/renew.h"
#include "core/kubernetes/tree/ca_chain.h"

namespace kpki::kube {

class RenewAuthorities {
 public:
  RenewAuthorities(const RenewOptions& options, const KeyRegistry& registry)
      : options_(options), registry_(registry) {}

  // Throws NotFound when the CA has no key (no caKeys entry and no key file).
  const Authority& get(CaId id);
  bool opened(CaId id) const { return authorities_[static_cast<size_t>(id)] != nullptr; }
  // What the CA's leaves carry (ca_chain.h), from the node directory's CA certificate file: an
  // intermediate's leaves keep the chain its ca.crt holds.
  CaFiles files(CaId id) const;

  // The caKeys URI; else the tree's default key file (OUT/pki, docs/config.md) for a node
  // directory OUT/nodes/NAME (a worker has no CA key of its own); else the key file beside the CA
  // certificate in the node directory (a node's /etc/kubernetes, or a tree whose OUT/pki key is
  // gone).
  std::string key_uri(const CaSpec& spec) const;

 private:
  const RenewOptions& options_;
  const KeyRegistry& registry_;
  std::array<std::unique_ptr<Authority>, 3> authorities_;
};

}  // namespace kpki::kube
