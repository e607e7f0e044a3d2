#pragma once
// The studio's worker: a QObject that lives on its own QThread (the Qt worker pattern). Jobs go in
// through queued calls to run(); everything comes back as queued signals carrying Qt value types, so
// the UI thread never waits on the model. It loads the model a job names and keeps the last one
// (a second job on the same model and device starts at once). Torch-free header; the .cpp is where
// Qt meets torch (QT_NO_KEYWORDS).
#include <QObject>
#include <QStringList>
#include <memory>

#include "ui/generation_request.h"
#include "ui/step_update.h"

namespace ds::ui {

class GenerationEngine : public QObject {
    Q_OBJECT

public:
    explicit GenerationEngine(QObject* parent = nullptr);
    ~GenerationEngine() override;

    // Any thread: stops job `id` (and any job with a lower id not yet started) before its next model
    // call; it then ends with cancelled(id). A cancel for a finished job does nothing.
    void cancel(int id);

    // The built-in model's text-to-image schedules present on disk ("cosine", "linear"), in
    // ds::builtin_variants order; empty when no built-in model is found.
    static QStringList builtinSchedules();
    // Whether `path` is a built-in model folder (what `train export` writes): it runs as the built-in
    // model does, at its size and with its schedules.
    static bool isBuiltinModelFolder(const QString& path);
    static QStringList samplerNames();  // ds::sampler_names()
    static QStringList devices();       // "auto", "cpu", and "cuda" when this libtorch has a GPU

public Q_SLOTS:
    // Runs on the engine's thread. Emits started, then loaded (after a load or a cache hit), planned,
    // one stepped per model call, and exactly one of finished, failed or cancelled.
    void run(int id, const ds::ui::GenerationRequest& request, const ds::ui::EngineOptions& options);
    // Frees the cached model (e.g. before the preferences change the device).
    void releaseModel();

Q_SIGNALS:
    void started(int id);
    void loaded(int id, const QString& modelName);
    void planned(int id, const ds::ui::GenerationPlan& plan);
    void stepped(int id, const ds::ui::StepUpdate& step);
    void finished(const ds::ui::GenerationOutcome& outcome);
    void failed(const ds::ui::GenerationFailure& failure);
    void cancelled(int id);

private:
    struct State;
    std::unique_ptr<State> m_state;
};

}  // namespace ds::ui
