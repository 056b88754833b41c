#pragma once
// "Did you mean": the valid names nearest to a mistyped one, for unknown verbs, flags and config
// fields alike (one edit-distance rule everywhere).
#include <string>
#include <string_view>
#include <vector>

namespace kpki {

// The candidates close enough to `word` to be what was meant, nearest first (ties in the order
// given, at most three). Case is ignored and a swap of two neighbouring letters is one edit; the
// distance allowed grows with the word (1 edit up to 5 letters, then 1 per 3 letters, at most 3).
// Empty when nothing is close: a suggestion far from the word misleads more than none.
std::vector<std::string> nearest_names(std::string_view word,
                                       const std::vector<std::string>& candidates);

// " (did you mean 'a'?)", " (did you mean 'a' or 'b'?)", or "" when nothing is close; appended to
// the one-line error that names `word`.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace kpki
