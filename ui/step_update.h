#pragma once
// What a generation tells the window, in Qt value types only (no torch): the plan before the first
// step, one StepUpdate per model call, and the outcome. The worker (bridge/) fills them from the
// core's StepEvent; the live panels and the progress bar read them. Passed through queued signals.
#include <QImage>
#include <QMetaType>
#include <QString>
#include <QVector>

namespace ds::ui {

// The run ahead, known before the first step: the timesteps the sampler visits and the noise level
// sigma_t it plans at each (the "planned" curve of the noise-level panel, the markers of the schedule
// panel).
struct GenerationPlan {
    QString scheduleName;       // "linear", "cosine" or "scaled-linear": the model's training schedule
    int trainTimesteps = 1000;  // T of that schedule
    QVector<double> timesteps;  // model-facing t of each call, in visiting order
    QVector<double> sigmas;     // sigma_t = sqrt((1 - alpha_bar) / alpha_bar) of each call's input
    int width = 0, height = 0;
};

struct StepUpdate {
    int index = 0;              // 0-based model call
    int count = 0;              // model calls in the run
    double timestep = 0;        // t of this call
    double sigma = 0;           // planned sigma_t of this call's input
    double latentStd = 0;       // measured: standard deviation of the latent x_t after the step
    double epsNorm = 0;         // measured: RMS of the guided noise estimate eps_hat
    double guidanceNorm = 0;    // measured: RMS of eps_cond - eps_uncond (0 without guidance)
    double ms = 0;              // wall time of the step
    QImage latentPreview;       // cheap latent -> RGB projection of x_t
    QImage x0Preview;           // cheap projection of the predicted clean image x0
    QImage x0Decoded;           // a true VAE decode of x0 on decode steps, else null
};

}  // namespace ds::ui

Q_DECLARE_METATYPE(ds::ui::GenerationPlan)
Q_DECLARE_METATYPE(ds::ui::StepUpdate)
