#include "ui/schedule_style.h"

#include <QCoreApplication>

namespace ds::ui {

QColor scheduleColor(ds::ScheduleKind kind) {
    switch (kind) {
        case ds::ScheduleKind::Linear:
            return QColor(31, 119, 180);
        case ds::ScheduleKind::Cosine:
            return QColor(230, 110, 20);
        case ds::ScheduleKind::ScaledLinear:
            return QColor(44, 160, 44);
    }
    return QColor(Qt::gray);
}

QString scheduleDisplayName(ds::ScheduleKind kind) {
    switch (kind) {
        case ds::ScheduleKind::Linear:
            return QCoreApplication::translate("ScheduleStyle", "Linear");
        case ds::ScheduleKind::Cosine:
            return QCoreApplication::translate("ScheduleStyle", "Cosine");
        case ds::ScheduleKind::ScaledLinear:
            return QCoreApplication::translate("ScheduleStyle", "Scaled linear");
    }
    return {};
}

QString scheduleKey(ds::ScheduleKind kind) { return QString::fromStdString(ds::schedule_kind_name(kind)); }

}  // namespace ds::ui
