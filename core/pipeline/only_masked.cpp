#include "core/pipeline/only_masked.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ds {

OnlyMaskedPlan plan_only_masked(const Image& weight, int padding, int model_side, int multiple) {
    if (padding < 0) throw std::invalid_argument("the only-masked padding must not be negative");
    if (model_side < 64 || multiple <= 0) throw std::invalid_argument("plan_only_masked: bad model resolution");
    const PixelRect box = mask_bounds(weight);
    if (box.empty()) throw std::invalid_argument("the mask is empty: nothing to repaint");
    OnlyMaskedPlan plan;
    const int x0 = std::max(0, box.x - padding), y0 = std::max(0, box.y - padding);
    const int x1 = std::min(weight.width, box.x + box.width + padding);
    const int y1 = std::min(weight.height, box.y + box.height + padding);
    plan.crop = {x0, y0, x1 - x0, y1 - y0};
    const double scale = static_cast<double>(model_side) / std::max(plan.crop.width, plan.crop.height);
    auto side = [&](int pixels) {
        const long rounded = std::lround(pixels * scale / multiple) * multiple;
        const int low = (64 + multiple - 1) / multiple * multiple;
        return static_cast<int>(std::clamp<long>(rounded, low, 4096 / multiple * multiple));
    };
    plan.width = side(plan.crop.width);
    plan.height = side(plan.crop.height);
    return plan;
}

}  // namespace ds
