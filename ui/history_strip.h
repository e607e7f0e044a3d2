#pragma once
// Thumbnails of the generations of this session, newest first. Clicking one emits its index so
// the window shows it and restores the settings it was made with.
#include <QVector>
#include <QWidget>

#include "ui/generation_request.h"

class QListWidget;

namespace ds::ui {

class HistoryStrip : public QWidget {
    Q_OBJECT

public:
    static constexpr int kMaxEntries = 100;  // the oldest go first: each holds a full image
    static constexpr int kThumbnailSide = 72;

    explicit HistoryStrip(QWidget* parent = nullptr);

    int count() const { return m_entries.size(); }
    const GenerationOutcome& entry(int index) const { return m_entries.at(index); }  // 0 = newest

public slots:
    void addOutcome(const ds::ui::GenerationOutcome& outcome);
    void clear();  // a new or opened project starts its own history
    void activate(int index);  // as a click on the thumbnail does

signals:
    void entryActivated(const ds::ui::GenerationOutcome& outcome);

private:
    QListWidget* m_list = nullptr;
    QVector<GenerationOutcome> m_entries;
};

}  // namespace ds::ui
