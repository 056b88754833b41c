#include "cli/bench/bench_model.h"

namespace kpki::bench {

std::optional<double> BenchRow::sign_ratio() const {
  if (!reference || reference->per_second <= 0) return std::nullopt;
  return sign_1.per_second / reference->per_second;
}

std::optional<double> BenchRow::issue_bound() const {
  if (!reference || reference->per_second <= 0 || verify_per_second <= 0) return std::nullopt;
  return 1.0 / (1.0 / reference->per_second + 1.0 / verify_per_second);
}

std::optional<double> BenchRow::issue_ratio() const {
  auto bound = issue_bound();
  if (!bound) return std::nullopt;
  return issue.per_second / *bound;
}

}  // namespace kpki::bench
