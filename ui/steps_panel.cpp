#include "ui/steps_panel.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPainter>
#include <QSignalBlocker>
#include <QSlider>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/image_view.h"

namespace ds::ui {
namespace {

QImage fitted(const QImage& image, int side) {
    if (image.isNull()) return {};
    // Latent previews are a few pixels wide: enlarge them without smoothing so the pixels show.
    const bool enlarge = image.width() < side && image.height() < side;
    return image.scaled(side, side, Qt::KeepAspectRatio, enlarge ? Qt::FastTransformation : Qt::SmoothTransformation);
}

const QImage& x0Of(const StepUpdate& step) { return step.x0Decoded.isNull() ? step.x0Preview : step.x0Decoded; }

// x_t above x̂0, for a list icon.
QPixmap thumbnail(const StepUpdate& step, int side) {
    QPixmap pixmap(side, 2 * side + 2);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    const QImage top = fitted(step.latentPreview, side);
    const QImage bottom = fitted(x0Of(step), side);
    if (!top.isNull()) painter.drawImage((side - top.width()) / 2, 0, top);
    if (!bottom.isNull()) painter.drawImage((side - bottom.width()) / 2, side + 2, bottom);
    return pixmap;
}

}  // namespace

StepsPanel::StepsPanel(QWidget* parent) : QWidget(parent) {
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("stepList"));
    m_list->setViewMode(QListView::IconMode);
    m_list->setFlow(QListView::LeftToRight);
    m_list->setWrapping(false);
    m_list->setMovement(QListView::Static);
    m_list->setUniformItemSizes(true);
    m_list->setIconSize(QSize(kThumbnailSide, 2 * kThumbnailSide + 2));
    m_list->setSpacing(2);
    m_list->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_list->setMinimumHeight(2 * kThumbnailSide + 48);

    m_large = new ImageView(this);
    m_large->setObjectName(QStringLiteral("stepView"));
    m_large->setMinimumWidth(200);
    m_caption = new QLabel(this);
    m_caption->setObjectName(QStringLiteral("stepCaption"));
    m_caption->setWordWrap(true);

    m_scrubber = new QSlider(Qt::Horizontal, this);
    m_scrubber->setObjectName(QStringLiteral("stepScrubber"));
    m_scrubber->setEnabled(false);
    m_replay = new QToolButton(this);
    m_replay->setObjectName(QStringLiteral("replayButton"));
    m_replay->setEnabled(false);
    m_replayTimer = new QTimer(this);
    m_replayTimer->setInterval(150);

    auto* left = new QVBoxLayout;
    left->addWidget(m_list, 1);
    auto* scrubRow = new QHBoxLayout;
    scrubRow->addWidget(m_replay);
    scrubRow->addWidget(m_scrubber, 1);
    left->addLayout(scrubRow);
    auto* right = new QVBoxLayout;
    right->addWidget(m_large, 1);
    right->addWidget(m_caption);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(left, 3);
    layout->addLayout(right, 1);

    connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0) return;
        if (m_running) m_userPicked = row != m_steps.size() - 1;
        selectStep(row);
    });
    connect(m_scrubber, &QSlider::valueChanged, this, &StepsPanel::selectStep);
    connect(m_replay, &QToolButton::clicked, this, &StepsPanel::replay);
    connect(m_replayTimer, &QTimer::timeout, this, [this] {
        if (m_selected + 1 >= m_steps.size()) {
            m_replayTimer->stop();
            return;
        }
        selectStep(m_selected + 1);
    });
    retranslateUi();
}

const QImage& StepsPanel::largeImage() const { return m_large->image(); }

QImage StepsPanel::stepImage(const StepUpdate& step) {
    // Both halves at the larger of the decoded size and 128 px, so the latent preview's pixels show.
    const QImage& x0 = x0Of(step);
    const int side = qMax(128, qMax(x0.width(), x0.height()));
    const QImage left = fitted(step.latentPreview, side);
    const QImage right = fitted(x0, side);
    QImage out(2 * side + 4, side, QImage::Format_RGB32);
    out.fill(Qt::white);
    QPainter painter(&out);
    if (!left.isNull()) painter.drawImage(0, 0, left);
    if (!right.isNull()) painter.drawImage(side + 4, 0, right);
    return out;
}

void StepsPanel::clear() {
    m_replayTimer->stop();
    m_steps.clear();
    m_list->clear();
    m_selected = -1;
    m_planned = 0;
    m_running = false;
    m_userPicked = false;
    m_large->setImage(QImage());
    m_caption->clear();
    const QSignalBlocker blocker(m_scrubber);
    m_scrubber->setRange(0, 0);
    m_scrubber->setEnabled(false);
    m_replay->setEnabled(false);
}

void StepsPanel::startRun(const GenerationPlan& plan) {
    clear();
    m_planned = plan.timesteps.size();
    m_steps.reserve(m_planned);
    m_running = true;
}

void StepsPanel::addStep(const StepUpdate& step) {
    m_steps.push_back(step);
    auto* item = new QListWidgetItem(QIcon(thumbnail(step, kThumbnailSide)),
                                     QLocale().toString(step.index + 1), m_list);
    item->setToolTip(tr("Step %1 of %2, t = %3").arg(step.index + 1).arg(step.count).arg(QLocale().toString(step.timestep, 'g', 4)));
    item->setTextAlignment(Qt::AlignHCenter);
    if (!m_userPicked) {
        const QSignalBlocker blocker(m_list);
        m_list->setCurrentRow(m_steps.size() - 1);
        m_list->scrollToItem(item);
        showStep(m_steps.size() - 1);
    }
}

void StepsPanel::finishRun() {
    m_running = false;
    const QSignalBlocker blocker(m_scrubber);
    m_scrubber->setRange(0, qMax(0, m_steps.size() - 1));
    m_scrubber->setValue(qMax(0, m_selected));
    m_scrubber->setEnabled(m_steps.size() > 1);
    m_replay->setEnabled(m_steps.size() > 1);
}

void StepsPanel::selectStep(int index) {
    if (index < 0 || index >= m_steps.size()) return;
    {
        const QSignalBlocker listBlocker(m_list);
        m_list->setCurrentRow(index);
    }
    if (!m_running) {
        const QSignalBlocker scrubBlocker(m_scrubber);
        m_scrubber->setValue(index);
    }
    showStep(index);
    emit stepSelected(index);
}

void StepsPanel::replay() {
    if (m_steps.size() < 2 || m_running) return;
    selectStep(0);
    m_replayTimer->start();
}

void StepsPanel::showStep(int index) {
    m_selected = index;
    const StepUpdate& s = m_steps.at(index);
    m_large->setImage(stepImage(s));
    const QLocale locale;
    m_caption->setText(tr("Step %1 of %2 · t = %3 · σ = %4\nleft: latent xₜ, right: predicted x̂₀ (%5)")
                           .arg(s.index + 1)
                           .arg(s.count)
                           .arg(locale.toString(s.timestep, 'g', 4), locale.toString(s.sigma, 'g', 3),
                                s.x0Decoded.isNull() ? tr("latent preview") : tr("VAE decode")));
}

void StepsPanel::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

void StepsPanel::retranslateUi() {
    m_replay->setText(tr("Replay"));
    m_replay->setToolTip(tr("Play the reverse process again, step by step"));
    m_scrubber->setToolTip(tr("Scrub through the steps of the last run"));
    m_large->setPlaceholderText(tr("The steps of a generation appear here as it runs"));
    if (m_selected >= 0) showStep(m_selected);
}

}  // namespace ds::ui
