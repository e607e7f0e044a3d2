#pragma once
// How a noise schedule looks everywhere in the studio: one colour (plot curves, explorer columns) and
// one translated display name.
#include <QColor>
#include <QString>
#include <array>

#include "core/schedule/noise_schedule.h"

namespace ds::ui {

// In the order the studio shows them.
constexpr std::array<ds::ScheduleKind, 3> kStudioSchedules{ds::ScheduleKind::Linear, ds::ScheduleKind::Cosine,
                                                           ds::ScheduleKind::ScaledLinear};

QColor scheduleColor(ds::ScheduleKind kind);
QString scheduleDisplayName(ds::ScheduleKind kind);  // translated: "Linear", "Cosine", "Scaled linear"
QString scheduleKey(ds::ScheduleKind kind);          // untranslated, for object names: "linear", ...

}  // namespace ds::ui
