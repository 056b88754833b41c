#include "core/util/suggest.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace kpki {

namespace {

char folded(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
// neighbouring characters (the commonest typo: "craete") each cost one; case is ignored.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = folded(a[i - 1]) == folded(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && folded(a[i - 1]) == folded(b[j - 2]) &&
          folded(a[i - 2]) == folded(b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

size_t allowed_distance(std::string_view word) { return std::clamp<size_t>(word.size() / 3, 1, 3); }

}  // namespace

std::vector<std::string> nearest_names(std::string_view word,
                                       const std::vector<std::string>& candidates) {
  std::vector<std::pair<size_t, std::string>> close;
  for (const auto& candidate : candidates) {
    if (candidate == word) continue;  // the word itself is not a suggestion
    size_t distance = edit_distance(word, candidate);
    if (distance <= allowed_distance(word) &&
        std::none_of(close.begin(), close.end(),
                     [&](const auto& seen) { return seen.second == candidate; }))
      close.emplace_back(distance, candidate);
  }
  std::stable_sort(close.begin(), close.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (const auto& [distance, name] : close) {
    // Only the nearest: "iniit" is "init", not also a farther verb that happens to be in range.
    if (distance != close.front().first || out.size() == 3) break;
    out.push_back(name);
  }
  return out;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  std::vector<std::string> names = nearest_names(word, candidates);
  if (names.empty()) return "";
  std::string text = " (did you mean ";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += i + 1 == names.size() ? " or " : ", ";
    text += "'" + names[i] + "'";
  }
  return text + "?)";
}

}  // namespace kpki
