#pragma once
// The reverse process step by step: for every model call, thumbnails of the current latent x_t
// (cheap latent -> RGB projection) and of the predicted clean image x̂0 (a true VAE decode on decode
// steps, else the projection), filling in as the run goes. Clicking a step shows it large; after the
// run a scrubber (and Replay) walks through the steps again.
#include <QVector>
#include <QWidget>

#include "ui/step_update.h"

class QLabel;
class QListWidget;
class QSlider;
class QTimer;
class QToolButton;

namespace ds::ui {

class ImageView;

class StepsPanel : public QWidget {
    Q_OBJECT

public:
    static constexpr int kThumbnailSide = 56;

    explicit StepsPanel(QWidget* parent = nullptr);

    int stepCount() const { return m_steps.size(); }
    const StepUpdate& step(int index) const { return m_steps.at(index); }
    int selectedStep() const { return m_selected; }
    bool isRunning() const { return m_running; }
    // What the large view shows for a step: x_t and x̂0 side by side.
    static QImage stepImage(const StepUpdate& step);
    const QImage& largeImage() const;

public slots:
    void clear();
    void startRun(const ds::ui::GenerationPlan& plan);
    void addStep(const ds::ui::StepUpdate& step);
    void finishRun();  // after a result, a failure or a cancel: the scrubber takes over
    void selectStep(int index);
    void replay();

signals:
    void stepSelected(int index);

protected:
    void changeEvent(QEvent* event) override;

private:
    void showStep(int index);
    void retranslateUi();

    QListWidget* m_list = nullptr;
    ImageView* m_large = nullptr;
    QLabel* m_caption = nullptr;
    QSlider* m_scrubber = nullptr;
    QToolButton* m_replay = nullptr;
    QTimer* m_replayTimer = nullptr;
    QVector<StepUpdate> m_steps;
    int m_planned = 0;
    int m_selected = -1;
    bool m_running = false;
    bool m_userPicked = false;  // a click during the run stops the large view following the newest step
};

}  // namespace ds::ui
