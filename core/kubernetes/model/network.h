#pragma once
// Addresses as a cluster config writes them: service subnets (CIDR) and host[:port] endpoints.
#include <string>
#include <string_view>

namespace kpki::kube {

// True for a textual IPv4 or IPv6 address.
bool is_ip_address(std::string_view text);

// The first usable address of a CIDR ("10.96.0.0/12" -> "10.96.0.1"): the API server's service
// IP. Throws InvalidInput naming `field` for anything that is not a valid CIDR.
std::string first_address_of_cidr(std::string_view cidr, std::string_view field);

struct Endpoint {
  std::string host;  // DNS name or IP (no brackets)
  int port = 6443;

  std::string host_port() const;  // "host:port", IPv6 in brackets
  std::string url() const { return "https://" + host_port(); }
};

// A TCP port, 1..65535. Throws InvalidInput naming `field`.
int parse_port(std::string_view text, std::string_view field);

// "host", "host:port", "[v6]:port" or a bare IPv6 address. The port defaults to `default_port`.
// Throws InvalidInput naming `field`.
Endpoint parse_endpoint(std::string_view text, int default_port, std::string_view field);

}  // namespace kpki::kube
