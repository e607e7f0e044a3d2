#include "ui/schedule_plot_panel.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>
#include <vector>

#include "ui/schedule_style.h"

namespace ds::ui {
namespace {

using Quantity = SchedulePlotPanel::Quantity;

std::vector<double> values(const ds::NoiseSchedule& schedule, Quantity quantity) {
    switch (quantity) {
        case Quantity::Beta:
            return schedule.betas();
        case Quantity::AlphaBar:
            return schedule.alphas_cumprod();
        case Quantity::Snr:
            return schedule.snrs();
        case Quantity::Sigma:
            return schedule.sigmas();
    }
    return {};
}

// ᾱ is a fraction in [0, 1]; the others span several decades. β is logarithmic too because the cosine
// schedule's last betas reach the 0.999 cap (Nichol & Dhariwal 2021, sec. 3.2): on a linear axis the
// linear schedule's 1e-4..0.02 would lie flat on the floor.
bool logarithmic(Quantity quantity) { return quantity != Quantity::AlphaBar; }

// Labels decades as 10⁻³ rather than QCustomPlot's "1E-03".
class PowerOfTenTicker : public QCPAxisTickerLog {
public:
    PowerOfTenTicker() { setTickCount(4); }

protected:
    QString getTickLabel(double tick, const QLocale& locale, QChar, int) override {
        const double exponent = std::log10(tick);
        const int rounded = static_cast<int>(std::lround(exponent));
        if (std::abs(exponent - rounded) > 1e-6) return locale.toString(tick, 'g', 2);
        if (rounded == 0) return QStringLiteral("1");
        if (rounded == 1) return QStringLiteral("10");
        static const QString digits = QStringLiteral("⁰¹²³⁴⁵⁶⁷⁸⁹");
        QString power;
        for (const QChar c : QString::number(std::abs(rounded))) power += digits.at(c.digitValue());
        return QStringLiteral("10") + (rounded < 0 ? QStringLiteral("⁻") : QString()) + power;
    }
};

}  // namespace

SchedulePlotPanel::SchedulePlotPanel(QWidget* parent) : QWidget(parent) {
    m_timestepsLabel = new QLabel(this);
    m_timestepsSpin = new QSpinBox(this);
    m_timestepsSpin->setObjectName(QStringLiteral("timestepsSpin"));
    m_timestepsSpin->setRange(2, ds::kMaxTrainTimesteps);
    m_timestepsSpin->setValue(m_timesteps);
    m_timestepsSpin->setKeyboardTracking(false);  // typing "2000" rebuilds once, not four times
    m_timestepsSpin->setAccelerated(true);
    m_timestepsLabel->setBuddy(m_timestepsSpin);
    m_showLabel = new QLabel(this);
    m_showCombo = new QComboBox(this);
    m_showCombo->setObjectName(QStringLiteral("quantityCombo"));
    m_showLabel->setBuddy(m_showCombo);

    auto* controls = new QHBoxLayout;
    controls->addWidget(m_timestepsLabel);
    controls->addWidget(m_timestepsSpin);
    controls->addSpacing(12);
    controls->addWidget(m_showLabel);
    controls->addWidget(m_showCombo, 1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    for (int q = 0; q < kQuantityCount; ++q) {
        buildPlot(static_cast<Quantity>(q));
        layout->addWidget(m_plots[q].plot, 1);
    }

    retranslateUi();
    rebuildCurves();

    connect(m_timestepsSpin, qOverload<int>(&QSpinBox::valueChanged), this, &SchedulePlotPanel::setTimesteps);
    connect(m_showCombo, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this](int index) { setShownQuantity(index == 0 ? kShowAll : index - 1); });
}

void SchedulePlotPanel::buildPlot(Quantity quantity) {
    PlotParts& parts = m_plots[static_cast<int>(quantity)];
    auto* plot = new QCustomPlot(this);
    plot->setObjectName(QStringLiteral("plot%1").arg(static_cast<int>(quantity)));
    plot->setMinimumHeight(150);
    plot->setNoAntialiasingOnDrag(true);
    parts.plot = plot;

    plot->plotLayout()->insertRow(0);
    QFont titleFont = font();
    titleFont.setBold(true);
    parts.title = new QCPTextElement(plot, QString(), titleFont);
    plot->plotLayout()->addElement(0, 0, parts.title);

    if (logarithmic(quantity)) {
        plot->yAxis->setScaleType(QCPAxis::stLogarithmic);
        plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new PowerOfTenTicker));
    }
    for (size_t i = 0; i < kStudioSchedules.size(); ++i) {
        QCPGraph* graph = plot->addGraph();
        graph->setPen(QPen(scheduleColor(kStudioSchedules[i]), 2));
        parts.graphs[i] = graph;
    }

    // The legend gets its own row under the title: inside the axis rect it hid the curves.
    plot->legend->setVisible(true);
    plot->axisRect()->insetLayout()->take(plot->legend);
    plot->plotLayout()->insertRow(1);
    plot->plotLayout()->addElement(1, 0, plot->legend);
    plot->plotLayout()->setRowStretchFactor(0, 0.001);
    plot->plotLayout()->setRowStretchFactor(1, 0.001);
    plot->plotLayout()->setRowSpacing(0);
    plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setBrush(Qt::NoBrush);
    plot->legend->setIconSize(18, 8);
    plot->legend->setMargins(QMargins(4, 0, 4, 0));
    plot->legend->setColumnSpacing(12);

    // The sampler's visits: small rings on the model's curve, the current one a filled dot. They live
    // on their own buffered layer so that moving the highlight each step repaints only that layer,
    // not the 3 x T points of the curves (the UI thread's main cost during a run).
    plot->addLayer(QStringLiteral("visits"), plot->layer(QStringLiteral("main")), QCustomPlot::limAbove);
    plot->layer(QStringLiteral("visits"))->setMode(QCPLayer::lmBuffered);
    parts.visits = plot->addGraph();
    parts.visits->setLineStyle(QCPGraph::lsNone);
    parts.visits->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(40, 40, 40), 1.2), Qt::NoBrush, 6));
    parts.visits->removeFromLegend();
    parts.current = plot->addGraph();
    parts.current->setLineStyle(QCPGraph::lsNone);
    parts.current->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QPen(Qt::black, 1.5), QColor(255, 200, 0), 11));
    parts.current->removeFromLegend();
    parts.visits->setLayer(QStringLiteral("visits"));
    parts.current->setLayer(QStringLiteral("visits"));

    parts.marker = new QCPItemStraightLine(plot);
    parts.marker->setPen(QPen(QColor(60, 60, 60), 1, Qt::DashLine));
    for (QCPItemPosition* point : {parts.marker->point1, parts.marker->point2})
        point->setTypeY(QCPItemPosition::ptAxisRectRatio);  // full height whatever the value axis

    connect(plot, &QCustomPlot::mousePress, this,
            [this, quantity](QMouseEvent* e) { pickFromMouse(quantity, e); });
    connect(plot, &QCustomPlot::mouseMove, this, [this, quantity](QMouseEvent* e) {
        if (e->buttons() & Qt::LeftButton) pickFromMouse(quantity, e);
    });
}

QCustomPlot* SchedulePlotPanel::plot(Quantity quantity) const {
    return m_plots[static_cast<int>(quantity)].plot;
}

QCPGraph* SchedulePlotPanel::graph(Quantity quantity, ds::ScheduleKind kind) const {
    for (size_t i = 0; i < kStudioSchedules.size(); ++i)
        if (kStudioSchedules[i] == kind) return m_plots[static_cast<int>(quantity)].graphs[i];
    return nullptr;
}

int SchedulePlotPanel::pointCount(Quantity quantity, ds::ScheduleKind kind) const {
    const QCPGraph* g = graph(quantity, kind);
    return g ? g->data()->size() : 0;
}

QCPGraph* SchedulePlotPanel::visitGraph(Quantity quantity) const { return m_plots[static_cast<int>(quantity)].visits; }

QCPGraph* SchedulePlotPanel::currentVisitGraph(Quantity quantity) const {
    return m_plots[static_cast<int>(quantity)].current;
}

void SchedulePlotPanel::setVisitedTimesteps(const QString& scheduleName, int trainTimesteps,
                                            const QVector<double>& timesteps) {
    const auto kind = ds::parse_schedule_kind(scheduleName.toStdString());
    m_visits.clear();
    m_currentVisit = -1;
    if (kind && trainTimesteps >= 2 && trainTimesteps <= ds::kMaxTrainTimesteps) {
        m_visitSchedule = ds::ScheduleConfig{};
        m_visitSchedule.kind = *kind;
        m_visitSchedule.timesteps = trainTimesteps;
        m_visits = timesteps;
    }
    placeVisits();
}

void SchedulePlotPanel::setCurrentVisit(int index) {
    m_currentVisit = index >= 0 && index < m_visits.size() ? index : -1;
    for (const PlotParts& parts : m_plots) {
        parts.current->data()->clear();
        if (m_currentVisit >= 0 && !parts.visits->data()->isEmpty()) {
            // The visits graph is sorted by t; find the point of this visit's t.
            const double t = m_visits[m_currentVisit];
            auto it = parts.visits->data()->findBegin(t, false);
            if (it != parts.visits->data()->constEnd()) parts.current->addData(it->key, it->value);
        }
        if (parts.plot->isVisible())
            parts.current->layer()->replot();  // falls back to a whole replot when the buffers are stale
    }
}

void SchedulePlotPanel::clearVisits() { setVisitedTimesteps(QString(), 0, {}); }

void SchedulePlotPanel::placeVisits() {
    for (PlotParts& parts : m_plots) {
        parts.visits->data()->clear();
        parts.current->data()->clear();
    }
    if (!m_visits.isEmpty()) {
        const ds::NoiseSchedule schedule(m_visitSchedule);
        for (int q = 0; q < kQuantityCount; ++q) {
            const std::vector<double> v = values(schedule, static_cast<Quantity>(q));
            QVector<double> keys, vals;
            for (double t : m_visits) {
                // Euler-family samplers visit fractional t: the table value at the nearest step.
                const int i = qBound(0, qRound(t), schedule.size() - 1);
                if (!std::isfinite(v[i]) || (logarithmic(static_cast<Quantity>(q)) && v[i] <= 0)) continue;
                keys << t;
                vals << v[i];
            }
            m_plots[q].visits->setData(keys, vals);
        }
    }
    setCurrentVisit(m_currentVisit);
    for (const PlotParts& parts : m_plots) parts.plot->replot(QCustomPlot::rpQueuedReplot);
}

int SchedulePlotPanel::shownQuantity() const {
    return m_showCombo->currentIndex() <= 0 ? kShowAll : m_showCombo->currentIndex() - 1;
}

void SchedulePlotPanel::setShownQuantity(int quantity) {
    if (quantity < kShowAll || quantity >= kQuantityCount) quantity = kShowAll;
    for (int q = 0; q < kQuantityCount; ++q)
        m_plots[q].plot->setVisible(quantity == kShowAll || quantity == q);
    labelTimeAxes();
    const QSignalBlocker blocker(m_showCombo);
    m_showCombo->setCurrentIndex(quantity == kShowAll ? 0 : quantity + 1);
}

void SchedulePlotPanel::setTimesteps(int T) {
    T = qBound(2, T, ds::kMaxTrainTimesteps);
    if (T == m_timesteps) return;
    m_timesteps = T;
    {
        const QSignalBlocker blocker(m_timestepsSpin);
        m_timestepsSpin->setValue(T);
    }
    m_marker = qMin(m_marker, T - 1);
    rebuildCurves();
    emit timestepsChanged(T);
}

void SchedulePlotPanel::setMarker(int t) {
    m_marker = qBound(0, t, m_timesteps - 1);
    placeMarkers();
    for (const PlotParts& parts : m_plots)
        parts.plot->replot(QCustomPlot::rpQueuedReplot);  // coalesces drags
}

void SchedulePlotPanel::labelTimeAxes() {
    // Stacked plots share one t axis label, on the lowest one: the room goes to the curves.
    int lowest = kQuantityCount - 1;
    while (lowest > 0 && m_plots[lowest].plot->isHidden()) --lowest;
    for (int q = 0; q < kQuantityCount; ++q) {
        m_plots[q].plot->xAxis->setLabel(q == lowest ? tr("timestep t") : QString());
        m_plots[q].plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

void SchedulePlotPanel::rebuildCurves() {
    QVector<double> keys(m_timesteps);
    for (int t = 0; t < m_timesteps; ++t) keys[t] = t;
    for (size_t i = 0; i < kStudioSchedules.size(); ++i) {
        ds::ScheduleConfig config;
        config.kind = kStudioSchedules[i];
        config.timesteps = m_timesteps;
        const ds::NoiseSchedule schedule(config);  // T is in range: the spin box and setTimesteps clamp it
        for (int q = 0; q < kQuantityCount; ++q) {
            const std::vector<double> v = values(schedule, static_cast<Quantity>(q));
            m_plots[q].graphs[i]->setData(keys, QVector<double>(v.begin(), v.end()), true);
        }
    }
    for (PlotParts& parts : m_plots) {
        parts.plot->rescaleAxes();
        parts.plot->xAxis->setRange(0, m_timesteps - 1);
    }
    m_plots[static_cast<int>(Quantity::AlphaBar)].plot->yAxis->setRange(0, 1.02);
    placeMarkers();
    for (const PlotParts& parts : m_plots) parts.plot->replot();
}

void SchedulePlotPanel::placeMarkers() {
    for (const PlotParts& parts : m_plots) {
        parts.marker->point1->setCoords(m_marker, 0);
        parts.marker->point2->setCoords(m_marker, 1);
    }
}

void SchedulePlotPanel::pickFromMouse(Quantity quantity, QMouseEvent* event) {
    const QCustomPlot* p = plot(quantity);
    if (!p->axisRect()->rect().contains(event->pos())) return;
    const int t = qBound(0, qRound(p->xAxis->pixelToCoord(event->pos().x())), m_timesteps - 1);
    setMarker(t);
    emit timestepPicked(t);
}

void SchedulePlotPanel::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

void SchedulePlotPanel::retranslateUi() {
    m_timestepsLabel->setText(tr("Ti&mesteps T:"));
    m_timestepsSpin->setToolTip(tr("Number of diffusion steps the schedules are defined over"));
    m_showLabel->setText(tr("Sho&w:"));
    {
        const QSignalBlocker blocker(m_showCombo);
        const int index = qMax(0, m_showCombo->currentIndex());
        m_showCombo->clear();
        m_showCombo->addItems({tr("All four"), tr("β — noise added per step"), tr("ᾱ — signal kept"),
                               tr("SNR — signal-to-noise ratio"), tr("σ — noise scale")});
        m_showCombo->setCurrentIndex(index);
    }
    const QString titles[kQuantityCount] = {tr("β: noise added per step"), tr("ᾱ: signal kept, ∏(1 − β)"),
                                            tr("SNR = ᾱ / (1 − ᾱ)"), QStringLiteral("σ = √((1 − ᾱ) / ᾱ)")};
    const QString log = tr("(log)", "axis label suffix: logarithmic scale");
    const QString valueLabels[kQuantityCount] = {QStringLiteral("βₜ ") + log, QStringLiteral("ᾱₜ"),
                                                 tr("SNR") + QLatin1Char(' ') + log,
                                                 QStringLiteral("σₜ ") + log};
    for (int q = 0; q < kQuantityCount; ++q) {
        PlotParts& parts = m_plots[q];
        parts.title->setText(titles[q]);
        parts.plot->yAxis->setLabel(valueLabels[q]);
        for (size_t i = 0; i < kStudioSchedules.size(); ++i)
            parts.graphs[i]->setName(scheduleDisplayName(kStudioSchedules[i]));
    }
    labelTimeAxes();
}

}  // namespace ds::ui
