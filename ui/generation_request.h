#pragma once
// One text-to-image job as the window describes it, and what comes back, in Qt value types only (no
// torch): the generation panel fills a GenerationRequest, the engine (bridge/) runs it on its thread
// and answers with a GenerationOutcome or a GenerationFailure. Passed through queued signals.
#include <QImage>
#include <QMetaType>
#include <QString>

namespace ds::ui {

struct GenerationRequest {
    QString modelPath;                                   // empty: the built-in model
    QString builtinSchedule = QStringLiteral("cosine");  // built-in model: the UNet trained with it
    QString prompt;
    QString negativePrompt;
    QString sampler = QStringLiteral("euler-a");  // a ds::sampler_names() entry
    bool karras = false;
    int steps = 20;
    double cfgScale = 7.5;
    quint64 seed = 0;
    int width = 64;
    int height = 64;

    bool isBuiltin() const { return modelPath.isEmpty(); }
};

// How the engine runs: the studio's preferences.
struct EngineOptions {
    QString device = QStringLiteral("auto");  // "auto", "cpu", "cuda"
    int threads = 0;                          // 0: ds::configure_threads' choice for the studio
    int decodeInterval = 5;                   // a true VAE decode of x0 every N steps (and the last); 0: never
};

struct GenerationOutcome {
    int id = 0;
    GenerationRequest request;
    QString modelName;   // as the checkpoint names itself ("builtin-cosine", "tiny-sd1", ...)
    QString parameters;  // the A1111 "parameters" text saved with the PNG
    QImage image;
    double seconds = 0;  // the whole job, model load included
};

struct GenerationFailure {
    enum class Kind {
        ModelLoad,          // the model could not be loaded (missing, broken, not a checkpoint)
        InvalidParameters,  // a parameter the model or the pipeline refuses
        NonFinite,          // NaN or infinite values in the latents
        OutOfMemory,
        Other,
    };
    int id = 0;
    Kind kind = Kind::Other;
    QString detail;  // the core's one-line message (English, untranslated)
};

}  // namespace ds::ui

Q_DECLARE_METATYPE(ds::ui::GenerationRequest)
Q_DECLARE_METATYPE(ds::ui::EngineOptions)
Q_DECLARE_METATYPE(ds::ui::GenerationOutcome)
Q_DECLARE_METATYPE(ds::ui::GenerationFailure)
