#pragma once
// Plots of β_t, ᾱ_t, SNR(t) and σ_t against t for the linear, cosine and scaled-linear schedules
// (ds::NoiseSchedule), one QCustomPlot per quantity, with a vertical marker at the explorer's t.
// Clicking or dragging in a plot picks a timestep. During a generation the timesteps the sampler
// visits are marked on the model's schedule curves, the current one highlighted.
#include <QVector>
#include <QWidget>
#include <array>

#include "core/schedule/noise_schedule.h"

class QCPGraph;
class QCPItemStraightLine;
class QCPTextElement;
class QCustomPlot;
class QComboBox;
class QLabel;
class QMouseEvent;
class QSpinBox;

namespace ds::ui {

class SchedulePlotPanel : public QWidget {
    Q_OBJECT

public:
    enum class Quantity { Beta, AlphaBar, Snr, Sigma };
    static constexpr int kQuantityCount = 4;
    static constexpr int kShowAll = -1;

    explicit SchedulePlotPanel(QWidget* parent = nullptr);

    int timesteps() const { return m_timesteps; }
    int marker() const { return m_marker; }
    QCustomPlot* plot(Quantity quantity) const;
    QCPGraph* graph(Quantity quantity, ds::ScheduleKind kind) const;
    int pointCount(Quantity quantity, ds::ScheduleKind kind) const;
    // kShowAll (four stacked plots) or a Quantity's index.
    int shownQuantity() const;
    void setShownQuantity(int quantity);
    int visitCount() const { return m_visits.size(); }
    int currentVisit() const { return m_currentVisit; }
    // The marker graphs of a plot: every visited t, and the current one (empty when none).
    QCPGraph* visitGraph(Quantity quantity) const;
    QCPGraph* currentVisitGraph(Quantity quantity) const;

public slots:
    void setTimesteps(int T);  // clamped to [2, ds::kMaxTrainTimesteps]
    void setMarker(int t);
    // Marks the timesteps a sampler visits on the curves of `scheduleName` ("linear", "cosine",
    // "scaled-linear") with `trainTimesteps` steps; an unknown name clears the marks.
    void setVisitedTimesteps(const QString& scheduleName, int trainTimesteps, const QVector<double>& timesteps);
    void setCurrentVisit(int index);  // index into the visited timesteps; -1: none
    void clearVisits();

signals:
    void timestepsChanged(int T);
    void timestepPicked(int t);

protected:
    void changeEvent(QEvent* event) override;

private:
    struct PlotParts {
        QCustomPlot* plot = nullptr;
        QCPTextElement* title = nullptr;
        QCPItemStraightLine* marker = nullptr;
        std::array<QCPGraph*, 3> graphs{};  // in kStudioSchedules order
        QCPGraph* visits = nullptr;
        QCPGraph* current = nullptr;
    };

    void buildPlot(Quantity quantity);
    void rebuildCurves();
    void placeMarkers();
    void placeVisits();
    void labelTimeAxes();
    void retranslateUi();
    void pickFromMouse(Quantity quantity, QMouseEvent* event);

    int m_timesteps = 1000;
    int m_marker = 0;
    QVector<double> m_visits;
    ds::ScheduleConfig m_visitSchedule;
    int m_currentVisit = -1;
    std::array<PlotParts, kQuantityCount> m_plots;
    QLabel* m_timestepsLabel = nullptr;
    QSpinBox* m_timestepsSpin = nullptr;
    QLabel* m_showLabel = nullptr;
    QComboBox* m_showCombo = nullptr;
};

}  // namespace ds::ui
