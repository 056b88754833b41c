#include "core/kubernetes/model/network.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>

#include "core/util/error.h"
#include "core/x509/subject_alt_names.h"

namespace kpki::kube {

namespace {

[[noreturn]] void fail(std::string_view field, const std::string& what) {
  throw Error(ErrorCode::InvalidInput, std::string(field) + ": " + what);
}

bool parse_int(std::string_view text, int& out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

bool is_ip_address(std::string_view text) {
  std::string s(text);
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

std::string first_address_of_cidr(std::string_view cidr, std::string_view field) {
  auto slash = cidr.find('/');
  std::string quoted = "invalid CIDR '" + std::string(cidr) + "'";
  if (slash == std::string_view::npos) fail(field, quoted);
  std::string address(cidr.substr(0, slash));
  int prefix = -1;
  if (!parse_int(cidr.substr(slash + 1), prefix)) fail(field, quoted);
  unsigned char bytes[16] = {};
  size_t size = 0;
  if (inet_pton(AF_INET, address.c_str(), bytes) == 1) {
    size = 4;
  } else if (inet_pton(AF_INET6, address.c_str(), bytes) == 1) {
    size = 16;
  } else {
    fail(field, quoted);
  }
  int bits = static_cast<int>(size * 8);
  // A subnet needs room for at least one host address after the network address.
  if (prefix < 0 || prefix > bits - 1) fail(field, quoted);
  for (int bit = prefix; bit < bits; ++bit)
    bytes[bit / 8] &= static_cast<unsigned char>(~(0x80u >> (bit % 8)));
  for (size_t i = size; i-- > 0;) {  // network address + 1
    if (++bytes[i] != 0) break;
  }
  return format_ip_address(ByteView(bytes, size));
}

std::string Endpoint::host_port() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

int parse_port(std::string_view text, std::string_view field) {
  int port = 0;
  if (!parse_int(text, port) || port < 1 || port > 65535)
    fail(field, "invalid port '" + std::string(text) + "' (1-65535)");
  return port;
}

Endpoint parse_endpoint(std::string_view text, int default_port, std::string_view field) {
  std::string quoted = "invalid endpoint '" + std::string(text) + "'";
  Endpoint endpoint;
  endpoint.port = default_port;
  std::string_view host = text;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) fail(field, quoted);
    host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') fail(field, quoted);
      port = rest.substr(1);
      if (port.empty()) fail(field, quoted);
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    auto colon = text.find(':');
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (port.empty()) fail(field, quoted);
  }
  if (host.empty()) fail(field, quoted);
  if (!port.empty() &&
      (!parse_int(port, endpoint.port) || endpoint.port < 1 || endpoint.port > 65535)) {
    fail(field, "invalid port in '" + std::string(text) + "'");
  }
  if (is_ip_address(host)) {
    endpoint.host = format_ip_address(parse_ip_address(host));
  } else {
    try {
      validate_dns_name(host);
    } catch (const Error& e) {
      fail(field, quoted + ": " + e.message());
    }
    endpoint.host = std::string(host);
  }
  return endpoint;
}

}  // namespace kpki::kube
