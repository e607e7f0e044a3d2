#pragma once
// The schedule table as CSV: one row per t with every derived quantity in full double precision.
#include <string>

#include "core/schedule/noise_schedule.h"

namespace ds::cli {

// Exactly this header line; values printed with %.17g so they parse back to the same doubles.
constexpr const char* kScheduleCsvHeader = "t,beta,alpha,alpha_bar,sqrt_alpha_bar,sqrt_one_minus_alpha_bar,snr,sigma";

std::string schedule_csv(const NoiseSchedule& schedule);

}  // namespace ds::cli
