#pragma once
// What the sampler planned against what the run measured, per step (QCustomPlot, log axis): the
// planned noise level σₜ of each call, and three measures of the run: the standard deviation of the
// latent xₜ, the RMS of the guided noise estimate ε̂, and the RMS of the guidance term
// ε(cond) − ε(uncond). The plan is drawn before the first step; the measures grow as the run goes.
#include <QWidget>

#include "ui/step_update.h"

class QCPGraph;
class QCustomPlot;

namespace ds::ui {

class NoiseLevelPanel : public QWidget {
    Q_OBJECT

public:
    enum class Series { PlannedSigma, LatentStd, EpsNorm, GuidanceNorm };
    static constexpr int kSeriesCount = 4;

    explicit NoiseLevelPanel(QWidget* parent = nullptr);

    QCustomPlot* plot() const { return m_plot; }
    QCPGraph* graph(Series series) const { return m_graphs[static_cast<int>(series)]; }
    int pointCount(Series series) const;

public slots:
    void clear();
    void setPlan(const ds::ui::GenerationPlan& plan);
    void addStep(const ds::ui::StepUpdate& step);

protected:
    void changeEvent(QEvent* event) override;

private:
    void rescale();
    void retranslateUi();

    QCustomPlot* m_plot = nullptr;
    QCPGraph* m_graphs[kSeriesCount] = {};
    int m_count = 0;
};

}  // namespace ds::ui
