#include "core/policy/name_patterns.h"

#include <algorithm>
#include <cctype>

#include "core/util/bytes.h"
#include "core/util/error.h"
#include "core/x509/subject_alt_names.h"

namespace kpki::policy {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool prefix_glob_matches(std::string_view pattern, std::string_view value) {
  if (!pattern.empty() && pattern.back() == '*') {
    pattern.remove_suffix(1);
    return value.substr(0, pattern.size()) == pattern;
  }
  return pattern == value;
}

// IPv4-mapped IPv6 (::ffff:a.b.c.d) as the 4 bytes it maps: it reaches the same host.
Bytes canonical_ip(Bytes raw) {
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (raw.size() == 16 && std::equal(kMapped, kMapped + 12, raw.begin()))
    return Bytes(raw.begin() + 12, raw.end());
  return raw;
}

struct IpRange {
  Bytes network;
  int prefix = 0;
};

// Throws InvalidInput (from parse_ip_address, or here) when `text` is no address or CIDR.
IpRange parse_range(std::string_view text) {
  auto slash = text.find('/');
  IpRange range;
  range.network = parse_ip_address(text.substr(0, slash));
  int bits = static_cast<int>(range.network.size()) * 8;
  range.prefix = bits;
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 ||
        !std::all_of(digits.begin(), digits.end(),
                     [](unsigned char c) { return std::isdigit(c); }) ||
        std::stoi(std::string(digits)) > bits) {
      throw Error(ErrorCode::InvalidInput, "invalid CIDR '" + std::string(text) +
                                               "': prefix length must be 0.." +
                                               std::to_string(bits));
    }
    range.prefix = std::stoi(std::string(digits));
  }
  return range;
}

bool in_range(const IpRange& range, const Bytes& address) {
  if (range.network.size() != address.size()) return false;
  for (int bit = 0; bit < range.prefix; ++bit) {
    unsigned mask = 0x80u >> (bit % 8);
    if ((range.network[bit / 8] & mask) != (address[bit / 8] & mask)) return false;
  }
  return true;
}

}  // namespace

bool text_matches(std::string_view pattern, std::string_view value) {
  return prefix_glob_matches(pattern, value);
}

bool dns_matches(std::string_view pattern, std::string_view name) {
  std::string p = lower(pattern), n = lower(name);
  if (p.rfind("*.", 0) == 0) {
    std::string suffix = p.substr(1);  // ".example.com"
    return n.size() > suffix.size() && ends_with(n, suffix);
  }
  return p == n;
}

void validate_dns_pattern(std::string_view pattern, const std::string& field) {
  try {
    validate_dns_name(pattern);
  } catch (const Error& e) {
    throw Error(ErrorCode::InvalidInput, field + ": " + e.message());
  }
}

bool ip_matches(std::string_view range, std::string_view address) {
  IpRange r = parse_range(range);
  if (r.network.size() == 16 && r.prefix >= 96 && canonical_ip(r.network).size() == 4) {
    r.network = canonical_ip(r.network);  // "::ffff:10.0.0.0/104" is 10.0.0.0/8
    r.prefix -= 96;
  }
  return in_range(r, canonical_ip(parse_ip_address(address)));
}

void validate_ip_range(std::string_view range, const std::string& field) {
  try {
    parse_range(range);
  } catch (const Error& e) {
    throw Error(ErrorCode::InvalidInput, field + ": " + e.message());
  }
}

bool uri_matches(std::string_view pattern, std::string_view uri) {
  return prefix_glob_matches(pattern, uri);
}

bool email_matches(std::string_view pattern, std::string_view email) {
  auto at = email.rfind('@');
  if (at == std::string_view::npos) return false;
  std::string_view local = email.substr(0, at);
  std::string domain = lower(email.substr(at + 1));
  if (!pattern.empty() && pattern.front() == '@') return lower(pattern.substr(1)) == domain;
  auto pat_at = pattern.rfind('@');
  if (pat_at == std::string_view::npos) return false;
  return pattern.substr(0, pat_at) == local && lower(pattern.substr(pat_at + 1)) == domain;
}

}  // namespace kpki::policy
