#pragma once
// kpki ca import: existing CA keys (files, botan: keys) moved onto a PKCS#11 token, planned then
// applied (docs/plan.md, docs/ca-lifecycle.md). Planning opens each source key and its CA
// certificate, checks they belong together and what the token already holds, and lists every file
// to remove; it writes nothing. Applying imports, proves each token key by a test signature that
// must verify against the CA certificate, writes the new config, and only then removes files.
//
// The plan is the Plan of init, renew and rotate: caKeys has one entry per key (Create: to
// import, Keep: the token already holds this very key, a resumed import), each with its source
// and certificate; files lists the copies of the source key to remove (Remove), private keys kpki
// cannot read and files at a copy's path holding another key (Skip: left in place, reported; see
// key_copies.h), and the config written with caKeys on the token (spec "config").
#include <ostream>
#include <string>
#include <variant>

#include "core/keys/key_manager.h"
#include "core/keys/key_registry.h"
#include "core/kubernetes/model/cluster_config.h"
#include "core/kubernetes/plan/plan.h"

namespace kpki::kube {

// One key: its caKeys-style URI, its CA certificate and the token key URI it goes to.
struct SingleImportRequest {
  std::string key_uri, cert_path, target_uri;
  bool remove_source = false;
};

// A whole tree's CA keys that are not on a token yet, labelled per CA on one token.
struct TreeImportRequest {
  std::string dir;        // OUT of kpki init
  ClusterConfig config;   // the cluster's config
  std::string token_uri;  // pkcs11:token=...?pin-source=... without object=
  std::string out_config;
  bool remove_source = false;
};

using ImportRequest = std::variant<SingleImportRequest, TreeImportRequest>;

// The token label of each CA in a whole-tree import ("kubernetes-ca", "etcd-ca",
// "front-proxy-ca"), as docs/examples/cluster.yaml names them.
std::string ca_token_label(const std::string& ca);

// `token_uri` with ;object=LABEL added to its path. InvalidInput when it names no token (its
// scheme's descriptor says) or already names an object.
std::string token_key_uri(const std::string& token_uri, const std::string& label,
                          const KeyRegistry& registry);

// Reads keys, certificates, the token and the tree; writes nothing. Operation "ca import"; root
// is the tree (OUT), or "" for one key.
Plan plan_import(const ImportRequest& request, const KeyRegistry& registry,
                 const KeyOptions& source_options, const KeyOptions& token_options);

// Executes `plan` (from plan_import with the same request) exactly, one line per step on `log`,
// and returns what it did. A failure after some keys were imported leaves every source file in
// place and names the keys already on the token.
Plan apply_import(const Plan& plan, const ImportRequest& request, const KeyRegistry& registry,
                  const KeyOptions& source_options, const KeyOptions& token_options,
                  std::ostream& log);

}  // namespace kpki::kube
