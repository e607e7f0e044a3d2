#include "app/cli/schedule_csv.h"

#include <cstdio>

namespace ds::cli {

std::string schedule_csv(const NoiseSchedule& schedule) {
    std::string out = std::string(kScheduleCsvHeader) + "\n";
    char line[512];
    for (int t = 0; t < schedule.size(); ++t) {
        std::snprintf(line, sizeof line, "%d,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", t, schedule.beta(t),
                      schedule.alpha(t), schedule.alpha_bar(t), schedule.sqrt_alpha_bar(t),
                      schedule.sqrt_one_minus_alpha_bar(t), schedule.snr(t), schedule.sigma(t));
        out += line;
    }
    return out;
}

}  // namespace ds::cli
