#include "core/kubernetes/import/moves.h"

#include <map>

#include "core/kubernetes/model/ca_keys_config.h"
#include "core/kubernetes/model/cert_specs.h"
#include "core/kubernetes/tree/cluster_cas.h"
#include "core/util/error.h"
#include "core/util/key_uri_display.h"

namespace kpki::kube {

std::string ca_token_label(const std::string& ca) { return ca == "ca" ? "kubernetes-ca" : ca; }

std::string token_key_uri(const std::string& token_uri, const std::string& label,
                          const KeyRegistry& registry) {
  if (!registry.scheme_for(token_uri).is_token()) {
    throw Error(ErrorCode::InvalidInput,
                "token URI '" + redact_key_uri(token_uri) + "' does not name a token");
  }
  size_t query = token_uri.find('?');
  std::string path = token_uri.substr(0, query);
  for (const char* attr : {"object=", "id="}) {
    if (path.find(std::string(";") + attr) != std::string::npos ||
        path.find(std::string(":") + attr) != std::string::npos) {
      throw Error(ErrorCode::InvalidInput, "token URI '" + redact_key_uri(token_uri) +
                                               "' names a key (" + attr +
                                               "); give the token only, labels are per CA");
    }
  }
  return path + ";object=" + label + (query == std::string::npos ? "" : token_uri.substr(query));
}

std::vector<KeyMove> key_moves(const ImportRequest& request, const KeyRegistry& registry) {
  if (const auto* single = std::get_if<SingleImportRequest>(&request))
    return {{"key", single->key_uri, single->cert_path, single->target_uri}};
  const auto& tree = std::get<TreeImportRequest>(request);
  std::vector<KeyMove> moves;
  for (const CaSpec& spec : ca_specs()) {
    const std::string source = ca_key_uri(tree.config, spec, tree.dir);
    if (registry.scheme_for(source).is_token()) continue;
    moves.push_back({spec.name, source, tree.dir + "/" + spec.base_path + ".crt",
                     token_key_uri(tree.token_uri, ca_token_label(spec.name), registry)});
  }
  if (moves.empty()) {
    throw Error(ErrorCode::InvalidInput,
                "every CA key of " + tree.config.source + " is already on a token (caKeys)");
  }
  return moves;
}

std::string imported_config_text(const TreeImportRequest& request,
                                 const std::vector<KeyMove>& moves, const KeyRegistry& registry) {
  std::map<std::string, std::string> ca_keys = request.config.ca_keys;
  for (const KeyMove& move : moves) ca_keys[move.ca] = move.target_uri;
  return config_with_ca_keys(request.config, ca_keys, request.out_config, registry);
}

}  // namespace kpki::kube
