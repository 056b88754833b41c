#pragma once
// The one version every machine-readable document kpki prints carries (docs/json.md): JSON
// objects with "apiVersion" set to this and a "kind", keys in camelCase.
namespace kpki {

inline constexpr const char* kOutputApiVersion = "output.kpki.io/v1alpha1";

}  // namespace kpki
