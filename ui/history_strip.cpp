#include "ui/history_strip.h"

#include <QListWidget>
#include <QVBoxLayout>

namespace ds::ui {

HistoryStrip::HistoryStrip(QWidget* parent) : QWidget(parent) {
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("historyList"));
    m_list->setViewMode(QListView::IconMode);
    m_list->setFlow(QListView::LeftToRight);
    m_list->setWrapping(false);
    m_list->setMovement(QListView::Static);
    m_list->setIconSize(QSize(kThumbnailSide, kThumbnailSide));
    m_list->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_list->setMinimumHeight(kThumbnailSide + 28);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_list);
    connect(m_list, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) { activate(m_list->row(item)); });
    connect(m_list, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) { activate(m_list->row(item)); });
}

void HistoryStrip::addOutcome(const GenerationOutcome& outcome) {
    if (outcome.image.isNull()) return;
    m_entries.prepend(outcome);
    const QImage thumb = outcome.image.scaled(kThumbnailSide, kThumbnailSide, Qt::KeepAspectRatio,
                                              outcome.image.width() < kThumbnailSide ? Qt::FastTransformation
                                                                                     : Qt::SmoothTransformation);
    auto* item = new QListWidgetItem(QIcon(QPixmap::fromImage(thumb)), QString());
    QString tip = outcome.parameters.toHtmlEscaped();
    tip.replace(QLatin1Char('\n'), QStringLiteral("<br>"));
    item->setToolTip(tip);
    m_list->insertItem(0, item);
    while (m_entries.size() > kMaxEntries) {
        m_entries.removeLast();
        delete m_list->takeItem(m_list->count() - 1);
    }
}

void HistoryStrip::clear() {
    m_entries.clear();
    m_list->clear();
}

void HistoryStrip::activate(int index) {
    if (index < 0 || index >= m_entries.size()) return;
    m_list->setCurrentRow(index);
    emit entryActivated(m_entries.at(index));
}

}  // namespace ds::ui
