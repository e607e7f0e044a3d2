#include "ui/noise_level_panel.h"

#include <qcustomplot.h>

#include <QEvent>
#include <QVBoxLayout>
#include <cmath>
#include <limits>

namespace ds::ui {

NoiseLevelPanel::NoiseLevelPanel(QWidget* parent) : QWidget(parent) {
    m_plot = new QCustomPlot(this);
    m_plot->setObjectName(QStringLiteral("noiseLevelPlot"));
    m_plot->setMinimumHeight(180);
    m_plot->yAxis->setScaleType(QCPAxis::stLogarithmic);
    m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    m_plot->yAxis->setNumberFormat(QStringLiteral("gb"));
    m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTickerFixed>(new QCPAxisTickerFixed));
    qSharedPointerCast<QCPAxisTickerFixed>(m_plot->xAxis->ticker())->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);

    const QColor colors[kSeriesCount] = {QColor(90, 90, 90), QColor(31, 119, 180), QColor(214, 39, 40),
                                         QColor(44, 160, 44)};
    for (int i = 0; i < kSeriesCount; ++i) {
        QCPGraph* g = m_plot->addGraph();
        QPen pen(colors[i], 2);
        if (i == static_cast<int>(Series::PlannedSigma)) pen.setStyle(Qt::DashLine);
        g->setPen(pen);
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, colors[i], colors[i], 4));
        m_graphs[i] = g;
    }
    // The legend gets its own row above the plot (two columns): inside the axis rect it hid the points.
    m_plot->legend->setVisible(true);
    m_plot->axisRect()->insetLayout()->take(m_plot->legend);
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(0, 0, m_plot->legend);
    m_plot->plotLayout()->setRowStretchFactor(0, 0.001);
    m_plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    m_plot->legend->setWrap(2);
    m_plot->legend->setBorderPen(Qt::NoPen);
    m_plot->legend->setBrush(Qt::NoBrush);
    m_plot->legend->setIconSize(18, 8);
    m_plot->legend->setMargins(QMargins(4, 0, 4, 0));
    m_plot->setMinimumWidth(340);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_plot);
    retranslateUi();
    clear();
}

int NoiseLevelPanel::pointCount(Series series) const { return graph(series)->data()->size(); }

void NoiseLevelPanel::clear() {
    for (QCPGraph* g : m_graphs) g->data()->clear();
    m_count = 0;
    m_plot->xAxis->setRange(0.5, 10.5);
    m_plot->yAxis->setRange(0.01, 100);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void NoiseLevelPanel::setPlan(const GenerationPlan& plan) {
    clear();
    m_count = plan.sigmas.size();
    QVector<double> keys, values;
    for (int i = 0; i < plan.sigmas.size(); ++i) {
        if (!(plan.sigmas[i] > 0) || !std::isfinite(plan.sigmas[i])) continue;  // σ = 0: off a log axis
        keys << i + 1;
        values << plan.sigmas[i];
    }
    graph(Series::PlannedSigma)->setData(keys, values, true);
    rescale();
}

void NoiseLevelPanel::addStep(const StepUpdate& step) {
    const double key = step.index + 1;
    const double values[] = {step.latentStd, step.epsNorm, step.guidanceNorm};
    const Series series[] = {Series::LatentStd, Series::EpsNorm, Series::GuidanceNorm};
    for (int i = 0; i < 3; ++i)
        if (values[i] > 0 && std::isfinite(values[i])) graph(series[i])->addData(key, values[i]);
    if (m_count == 0) m_count = step.count;
    rescale();
}

void NoiseLevelPanel::rescale() {
    double low = std::numeric_limits<double>::infinity(), high = 0;
    for (QCPGraph* g : m_graphs) {
        for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) {
            low = std::min(low, it->value);
            high = std::max(high, it->value);
        }
    }
    if (high > 0) m_plot->yAxis->setRange(low / 1.5, high * 1.5);
    m_plot->xAxis->setRange(0.5, qMax(1, m_count) + 0.5);
    qSharedPointerCast<QCPAxisTickerFixed>(m_plot->xAxis->ticker())
        ->setTickStep(m_count > 20 ? std::pow(10.0, std::floor(std::log10(m_count / 2.0))) : 1.0);
    m_plot->replot(QCustomPlot::rpQueuedReplot);  // coalesced: one repaint per event-loop turn
}

void NoiseLevelPanel::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

void NoiseLevelPanel::retranslateUi() {
    graph(Series::PlannedSigma)->setName(tr("planned σₜ"));
    graph(Series::LatentStd)->setName(tr("std of latent xₜ"));
    graph(Series::EpsNorm)->setName(tr("RMS of ε̂"));
    graph(Series::GuidanceNorm)->setName(tr("RMS of ε(cond) − ε(uncond)"));
    m_plot->xAxis->setLabel(tr("step"));
    m_plot->yAxis->setLabel(tr("value (log)"));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace ds::ui
