#pragma once
// The parts of kpki(1) that no command definition holds: key URIs, exit codes' meanings, the
// environment kpki reads, its files. The verbs' sections come from the CLI (cli/man_page.cpp);
// tests/scripts/cli_generated_docs.sh checks every getenv() of the sources is named here.
#include <array>
#include <string>

#include "core/util/error.h"

namespace kpki::cli {

inline constexpr std::array<ErrorCode, 7> kErrorCodesDocumented = {
    ErrorCode::InvalidInput, ErrorCode::NotFound,     ErrorCode::AlreadyExists,
    ErrorCode::Unsupported,  ErrorCode::PinIncorrect, ErrorCode::DeviceError,
    ErrorCode::CryptoError};

extern const char* const kDescription;

std::string error_code_meaning(ErrorCode code);
std::string key_uris_section();
std::string environment_section();
std::string files_section();
std::string see_also_section();

// `text` safe in roff: backslashes, hyphens and a leading '.' or '\'' escaped.
std::string roff(const std::string& text);

}  // namespace kpki::cli
