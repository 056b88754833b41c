// kpki key generate|public: keys at any URI.
#include <iostream>

#include "backends/backends.h"
#include "cli/cli_model.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/machine_output.h"
#include "cli/result_documents.h"
#include "core/fs/file_io.h"
#include "core/util/error.h"
#include "core/util/key_uri_display.h"
#include "core/x509/public_key.h"

namespace kpki::cli {

void add_key_commands(CLI::App& app) {
  struct Args {
    std::string uri, algorithm = "ecdsa-p256", out, format;
    KeyFlags key;
  };
  auto* key = app.add_subcommand("key", "Private keys in files, Botan or PKCS#11 tokens");
  key->require_subcommand(1);

  auto gen = std::make_shared<Args>();
  auto* generate =
      key->add_subcommand("generate", "Generate a key at a URI (never overwrites unless --force)");
  generate->footer(
      example("kpki key generate 'pkcs11:token=kube-ca;object=etcd-ca?pin-source=file:pin' "
              "--algorithm ecdsa-p384"));
  generate
      ->add_option("uri", gen->uri,
                   "Key URI: PATH, file:PATH, botan:PATH, pkcs11:... or libp11:...")
      ->required();
  generate->add_option("--algorithm", gen->algorithm, "Key algorithm")
      ->check(algorithm_choices())
      ->capture_default_str();
  generate->add_flag("--force", gen->key.options.force, "Replace an existing key file");
  gen->key.add_to(*generate, "");
  add_output_format_flag(*generate, gen->format);
  generate->callback([gen] {
    auto signer = key_registry().manager_for(gen->uri).generate(
        gen->uri, parse_algorithm(gen->algorithm), gen->key.options);
    nlohmann::ordered_json document = output_document("GeneratedKey");
    document.update(key_json(gen->uri, signer->algorithm(), true));
    document["publicKeySHA256"] = sha256_fingerprint(signer->public_key_der());
    print_result(gen->format, document, key_message(gen->uri, signer->algorithm(), true));
  });

  auto pub = std::make_shared<Args>();
  auto* show = key->add_subcommand("public", "Write a key's public key (PKIX PEM)");
  show->footer(example("kpki key public sa.key --out sa.pub"));
  show->add_option("uri", pub->uri, "Key URI")->required();
  show->add_option("--out", pub->out, "Output file (default: stdout)");
  pub->key.add_to(*show, "");
  add_output_format_flag(*show, pub->format);
  show->callback([pub] {
    auto signer = key_registry().manager_for(pub->uri).open(pub->uri, pub->key.options);
    std::string pem = public_key_pem(signer->public_key_der());
    if (!pub->out.empty()) write_file_atomic(pub->out, pem, 0644, Overwrite::Yes);
    if (pub->out.empty() && !prints_document(pub->format)) {
      std::cout << pem;  // the result itself
      return;
    }
    print_result(pub->format,
                 output_document("PublicKeyOfKey",
                                 {{"uri", redact_key_uri(pub->uri)},
                                  {"algorithm", std::string(algorithm_name(signer->algorithm()))},
                                  {"path", pub->out},
                                  {"publicKeySHA256", sha256_fingerprint(signer->public_key_der())},
                                  {"pem", pem}}),
                 "wrote " + pub->out);
  });
}

}  // namespace kpki::cli
