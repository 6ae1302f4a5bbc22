#include "drf/sorter.h"

#include <cstddef>

namespace mesos::drf {

double dominantShare(const Scalars& allocation, const ShareContext& ctx, double weight) {
  double max = 0.0;
  for (std::size_t k = 0; k < ctx.total.size(); ++k) {
    const std::int64_t total = ctx.total[k];
    if (total <= 0 || (k < ctx.excluded.size() && ctx.excluded[k] != 0)) continue;
    const double ratio = static_cast<double>(scalarAt(allocation, k)) / static_cast<double>(total);
    if (ratio > max) max = ratio;
  }
  return max / weight;
}

}  // namespace mesos::drf
