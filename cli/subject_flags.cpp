#include "cli/subject_flags.h"

namespace kpki::cli {

void SubjectFlags::add_to(CLI::App& cmd, bool cn_required) {
  auto* cn = cmd.add_option("--cn", subject.common_name, "Subject common name");
  if (cn_required) cn->required();
  cmd.add_option("--org,-O", subject.organizations,
                 "Subject organization (repeatable; Kubernetes groups)");
  cmd.add_option("--ou", subject.organizational_units, "Subject organizational unit (repeatable)");
  cmd.add_option("--country", subject.country, "Subject country (two letters)");
  cmd.add_option("--state", subject.state, "Subject state or province");
  cmd.add_option("--locality", subject.locality, "Subject locality");
  cmd.add_option("--dns", sans.dns, "DNS subjectAltName (repeatable)");
  cmd.add_option("--ip", sans.ips, "IP subjectAltName, IPv4 or IPv6 (repeatable)");
  cmd.add_option("--uri", sans.uris, "URI subjectAltName (repeatable)");
  cmd.add_option("--email", sans.emails, "email subjectAltName (repeatable)");
}

}  // namespace kpki::cli
