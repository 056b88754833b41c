#include "core/x509/subject_alt_names.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include "core/util/error.h"

namespace kpki {

namespace {

Error bad(std::string_view kind, std::string_view value, std::string_view why) {
  return Error(ErrorCode::InvalidInput, "invalid " + std::string(kind) + " '" + std::string(value) +
                                            "': " + std::string(why));
}

bool is_label_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }

}  // namespace

void validate_dns_name(std::string_view name) {
  std::string_view rest = name;
  if (rest.substr(0, 2) == "*.") rest.remove_prefix(2);
  if (rest.empty()) throw bad("DNS name", name, "empty");
  if (name.size() > 253) throw bad("DNS name", name, "longer than 253 characters");
  if (rest.back() == '.') throw bad("DNS name", name, "trailing dot");
  size_t start = 0;
  while (start <= rest.size()) {
    size_t dot = rest.find('.', start);
    std::string_view label =
        rest.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty()) throw bad("DNS name", name, "empty label");
    if (label.size() > 63) throw bad("DNS name", name, "label longer than 63 characters");
    if (!std::all_of(label.begin(), label.end(), is_label_char)) {
      throw bad("DNS name", name, "only letters, digits, '-' and '.' are allowed");
    }
    if (label.front() == '-' || label.back() == '-')
      throw bad("DNS name", name, "label starts or ends with '-'");
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
}

Bytes parse_ip_address(std::string_view text) {
  std::string s(text);
  Bytes out(16);
  if (inet_pton(AF_INET, s.c_str(), out.data()) == 1) {
    out.resize(4);
    return out;
  }
  if (inet_pton(AF_INET6, s.c_str(), out.data()) == 1) return out;
  throw bad("IP address", text, "not an IPv4 or IPv6 address");
}

std::string format_ip_address(ByteView bytes) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (bytes.size() == 4)
    inet_ntop(AF_INET, bytes.data(), buf, sizeof buf);
  else if (bytes.size() == 16)
    inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  else
    return "<invalid IP of " + std::to_string(bytes.size()) + " bytes>";
  return buf;
}

void validate_uri(std::string_view uri) {
  auto colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0) throw bad("URI", uri, "no scheme");
  if (!std::isalpha(static_cast<unsigned char>(uri[0])))
    throw bad("URI", uri, "scheme must start with a letter");
  for (size_t i = 0; i < colon; ++i) {
    char c = uri[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      throw bad("URI", uri, "invalid character in scheme");
    }
  }
  if (colon + 1 == uri.size()) throw bad("URI", uri, "nothing after the scheme");
  for (char c : uri) {
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      throw bad("URI", uri, "spaces and control or non-ASCII characters must be percent-encoded");
    }
  }
}

void validate_email(std::string_view email) {
  auto at = email.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == email.size()) {
    throw bad("email address", email, "expected local@domain");
  }
  for (char c : email.substr(0, at)) {
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f ||
        c == '@') {
      throw bad("email address", email, "invalid character in local part");
    }
  }
  try {
    validate_dns_name(email.substr(at + 1));
  } catch (const Error&) {
    throw bad("email address", email, "invalid domain");
  }
}

void validate_subject_alt_names(const SubjectAltNames& sans) {
  for (const auto& d : sans.dns) validate_dns_name(d);
  for (const auto& ip : sans.ips) parse_ip_address(ip);
  for (const auto& u : sans.uris) validate_uri(u);
  for (const auto& e : sans.emails) validate_email(e);
}

void normalize_subject_alt_names(SubjectAltNames& sans) {
  std::sort(sans.dns.begin(), sans.dns.end());
  sans.dns.erase(std::unique(sans.dns.begin(), sans.dns.end()), sans.dns.end());
  std::vector<std::string> ips;
  std::vector<Bytes> seen;
  for (const auto& ip : sans.ips) {
    Bytes raw = parse_ip_address(ip);
    if (std::find(seen.begin(), seen.end(), raw) != seen.end()) continue;
    seen.push_back(raw);
    ips.push_back(format_ip_address(raw));
  }
  sans.ips = std::move(ips);
}

}  // namespace kpki
