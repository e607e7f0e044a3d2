#pragma once
// The UI-thread side of generation: owns the worker QThread and its GenerationEngine, hands jobs to
// it one at a time through queued calls, keeps a queue for a Generate pressed while one runs (so no
// request is lost), measures progress (it/s, time left), and forwards the engine's signals for the
// current job only. Its destructor cancels and joins the worker: closing the window mid-run is clean.
#include <QElapsedTimer>
#include <QObject>
#include <QQueue>
#include <QThread>

#include "ui/generation_request.h"
#include "ui/step_update.h"

namespace ds::ui {

class GenerationEngine;

class GenerationController : public QObject {
    Q_OBJECT

public:
    explicit GenerationController(QObject* parent = nullptr);
    ~GenerationController() override;

    EngineOptions options() const { return m_options; }
    void setOptions(const EngineOptions& options) { m_options = options; }  // for the next job

    bool isBusy() const { return m_currentId != 0; }
    int currentId() const { return m_currentId; }
    int queuedCount() const { return m_queue.size(); }
    GenerationEngine* engine() const { return m_engine; }
    QThread* workerThread() { return &m_thread; }

public slots:
    // Starts the job now, or queues it behind the running one. Returns the job's id (> 0).
    int submit(const ds::ui::GenerationRequest& request);
    // Stops the running job before its next model call and drops the queued ones; returns how many
    // queued jobs were dropped.
    int cancel();
    // Cancels everything and joins the worker thread; later submits are refused (return 0).
    void shutdown();

signals:
    void jobStarted(int id, const ds::ui::GenerationRequest& request);
    void modelLoaded(const QString& modelName);
    void planned(const ds::ui::GenerationPlan& plan);
    void stepped(const ds::ui::StepUpdate& step);
    // After every step: done of total model calls, steps per second so far, seconds left (estimate).
    void progress(int done, int total, double stepsPerSecond, double secondsLeft);
    void finished(const ds::ui::GenerationOutcome& outcome);
    void failed(const ds::ui::GenerationFailure& failure);
    void cancelled(int id);
    void queueChanged(int queued);
    void busyChanged(bool busy);

private:
    struct Job {
        int id = 0;
        GenerationRequest request;
    };

    void start(const Job& job);
    void jobEnded(int id);

    QThread m_thread;
    GenerationEngine* m_engine = nullptr;  // lives on m_thread, deleted when it finishes
    EngineOptions m_options;
    QQueue<Job> m_queue;
    int m_nextId = 0;
    int m_currentId = 0;
    bool m_shutDown = false;
    QElapsedTimer m_clock;  // since the plan of the current job
};

}  // namespace ds::ui
