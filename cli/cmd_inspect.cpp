// kpki inspect: what a certificate, CSR or public key says, as text or JSON.
#include <iostream>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "core/fs/file_io.h"
#include "core/issue/describe.h"
#include "core/util/error.h"

namespace kpki::cli {

void add_inspect_command(CLI::App& app) {
  struct Args {
    std::string file, format;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("inspect", "Show a certificate, CSR or public key (PEM or DER)");
  cmd->footer(example("kpki inspect out/apiserver.crt -o json"));
  cmd->add_option("file", args->file, "File to inspect")->required();
  add_output_format_flag(*cmd, args->format);
  cmd->callback([args] {
    auto description = describe_file_content(read_file(args->file), args->file);
    if (args->format == "json") {
      std::cout << description.dump(2) << "\n";
    } else {
      std::cout << render_description_text(description);
    }
  });
}

}  // namespace kpki::cli
