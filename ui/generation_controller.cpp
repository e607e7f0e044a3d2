#include "ui/generation_controller.h"

#include "ui/bridge/generation_engine.h"

namespace ds::ui {

GenerationController::GenerationController(QObject* parent) : QObject(parent) {
    qRegisterMetaType<GenerationRequest>();
    qRegisterMetaType<EngineOptions>();
    qRegisterMetaType<GenerationOutcome>();
    qRegisterMetaType<GenerationFailure>();
    qRegisterMetaType<GenerationPlan>();
    qRegisterMetaType<StepUpdate>();

    m_thread.setObjectName(QStringLiteral("generationWorker"));
    m_engine = new GenerationEngine;
    m_engine->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_engine, &QObject::deleteLater);

    // Cross-thread connections are queued: the engine's values are copied into the UI thread's
    // event queue. Signals of a job that is no longer current (cancelled, superseded) are ignored.
    connect(m_engine, &GenerationEngine::loaded, this, [this](int id, const QString& name) {
        if (id == m_currentId) emit modelLoaded(name);
    });
    connect(m_engine, &GenerationEngine::planned, this, [this](int id, const GenerationPlan& plan) {
        if (id != m_currentId) return;
        m_clock.start();
        emit planned(plan);
        emit progress(0, plan.timesteps.size(), 0, -1);
    });
    connect(m_engine, &GenerationEngine::stepped, this, [this](int id, const StepUpdate& step) {
        if (id != m_currentId) return;
        emit stepped(step);
        const int done = step.index + 1;
        const double seconds = m_clock.isValid() ? m_clock.nsecsElapsed() * 1e-9 : 0;
        const double rate = seconds > 0 ? done / seconds : 0;
        emit progress(done, step.count, rate, rate > 0 ? (step.count - done) / rate : -1);
    });
    connect(m_engine, &GenerationEngine::finished, this, [this](const GenerationOutcome& outcome) {
        if (outcome.id != m_currentId) return;
        emit finished(outcome);
        jobEnded(outcome.id);
    });
    connect(m_engine, &GenerationEngine::failed, this, [this](const GenerationFailure& failure) {
        if (failure.id != m_currentId) return;
        emit failed(failure);
        jobEnded(failure.id);
    });
    connect(m_engine, &GenerationEngine::cancelled, this, [this](int id) {
        if (id != m_currentId) return;
        emit cancelled(id);
        jobEnded(id);
    });

    // Low OS priority: the event loop gets a core whenever it needs one (see core/runtime/threads.cpp).
    m_thread.start(QThread::LowPriority);
}

GenerationController::~GenerationController() { shutdown(); }

int GenerationController::submit(const GenerationRequest& request) {
    if (m_shutDown) return 0;
    const Job job{++m_nextId, request};
    if (isBusy()) {
        m_queue.enqueue(job);
        emit queueChanged(m_queue.size());
    } else {
        start(job);
    }
    return job.id;
}

void GenerationController::start(const Job& job) {
    m_currentId = job.id;
    m_clock.invalidate();
    emit busyChanged(true);
    emit jobStarted(job.id, job.request);
    GenerationEngine* engine = m_engine;
    const EngineOptions options = m_options;
    QMetaObject::invokeMethod(
        engine, [engine, job, options] { engine->run(job.id, job.request, options); }, Qt::QueuedConnection);
}

void GenerationController::jobEnded(int id) {
    if (id != m_currentId) return;
    m_currentId = 0;
    if (!m_queue.isEmpty() && !m_shutDown) {
        const Job next = m_queue.dequeue();
        emit queueChanged(m_queue.size());
        start(next);  // busy stays true: no busyChanged flicker between two jobs
        return;
    }
    emit busyChanged(false);
}

int GenerationController::cancel() {
    const int dropped = m_queue.size();
    m_queue.clear();
    if (dropped > 0) emit queueChanged(0);
    if (isBusy()) m_engine->cancel(m_currentId);  // thread-safe: an atomic flag the loop polls
    return dropped;
}

void GenerationController::shutdown() {
    if (m_shutDown) return;
    m_shutDown = true;
    m_queue.clear();
    if (m_engine) m_engine->cancel(m_nextId);  // the running job and anything not yet started
    m_thread.quit();  // after the running job returns (within one model call, or the model load)
    m_thread.wait();
    m_engine = nullptr;  // deleted by deleteLater as the thread finished
    if (m_currentId != 0) {
        m_currentId = 0;
        emit busyChanged(false);
    }
}

}  // namespace ds::ui
