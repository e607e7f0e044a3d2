#pragma once
// One generation job as the window describes it, and what comes back, in Qt value types only (no
// torch): the generation panel fills a GenerationRequest (the canvas adds its image and mask for the
// canvas modes), the engine (bridge/) runs it on its thread and answers with a GenerationOutcome or
// a GenerationFailure. Passed through queued signals.
#include <QImage>
#include <QMetaType>
#include <QString>

namespace ds::ui {

// What a job does with the canvas (core/pipeline/canvas_pipelines.h does the work).
enum class GenerationMode {
    TextToImage,   // a new image of width x height
    ImageToImage,  // initImage re-noised to `strength` and denoised (the canvas's size)
    Inpaint,       // the mask's white area of initImage repainted; every other pixel kept exactly
    Outpaint,      // initImage extended by extendLeft/Top/Right/Bottom and the new area painted
};

struct GenerationRequest {
    GenerationMode mode = GenerationMode::TextToImage;
    QString modelPath;                                   // empty: the built-in model
    QString builtinSchedule = QStringLiteral("cosine");  // built-in model: the UNet trained with it
    QString prompt;
    QString negativePrompt;
    QString sampler = QStringLiteral("euler-a");  // a ds::sampler_names() entry
    bool karras = false;
    int steps = 20;
    double cfgScale = 7.5;
    quint64 seed = 0;
    int width = 64;   // text to image only: the canvas modes use initImage's size
    int height = 64;

    // The canvas modes. initImage: the canvas (any size up to 4096 px a side); mask: Grayscale8 of
    // initImage's size, 255 = repaint (inpaint only).
    QImage initImage;
    QImage mask;
    double strength = 0.75;  // how far the canvas is re-noised: 1 = from pure noise (inpaint and
                             // outpaint usually 1, img2img less)
    int feather = 4;                                 // px, inpaint
    bool onlyMasked = false;                         // inpaint the mask's bounding box only
    int maskPadding = 32;                            // px of context around it
    QString inpaintMethod = QStringLiteral("auto");  // "auto", "unet", "blend"
    int extendLeft = 0, extendTop = 0, extendRight = 0, extendBottom = 0;  // outpaint, px
    QString outpaintFill = QStringLiteral("blur");   // "stretch", "blur", "noise"
    int overlap = 8;                                 // px of the original blended across the seam

    bool isBuiltin() const { return modelPath.isEmpty(); }
    bool usesCanvas() const { return mode != GenerationMode::TextToImage; }
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
    QImage image;        // text to image: width x height; the canvas modes: the canvas's new size
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
