#pragma once
// Private files (CA keys, PIN and passphrase files) that others can read are refused, as ssh
// refuses a private key with a loose mode: a secret that was exposed must not be used silently.
#include <string>
#include <string_view>

namespace kpki {

// "0644": a file mode as people read it in messages.
std::string octal_mode(unsigned mode);

// InvalidInput naming `path`, its mode and the fix when group or others may read or write it
// (`what` says what the file is: "key file", "PIN file"). A missing file is left to the reader.
void require_private_file(const std::string& path, std::string_view what);

}  // namespace kpki
