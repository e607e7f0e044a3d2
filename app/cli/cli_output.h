#pragma once
// Small helpers shared by the commands: parsing schedule names and T, writing text files and stdout.
#include <string>
#include <vector>

#include "core/schedule/noise_schedule.h"

namespace ds::cli {

ScheduleKind parse_schedule(const std::string& name);         // UsageError naming the known kinds
int parse_train_timesteps(const std::string& text, const std::string& what);  // 1..kMaxTrainTimesteps

void write_text_file(const std::string& path, const std::string& content);  // atomically
void write_stdout(const std::string& content);                               // throws on a write error

}  // namespace ds::cli
