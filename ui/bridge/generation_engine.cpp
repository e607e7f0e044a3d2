#include "ui/bridge/generation_engine.h"

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include <QFileInfo>
#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <mutex>
#include <new>
#include <stdexcept>

#include "core/builtin/builtin_model.h"
#include "core/builtin/builtin_model_location.h"
#include "core/image/image_tensor.h"
#include "core/pipeline/generation_metadata.h"
#include "core/pipeline/txt2img.h"
#include "core/runtime/cancel_token.h"
#include "core/runtime/device.h"
#include "core/runtime/threads.h"
#include "core/samplers/sampler.h"
#include "ui/bridge/image_bridge.h"

namespace ds::ui {
namespace {

using Clock = std::chrono::steady_clock;

QImage toImage(const at::Tensor& tensor) {
    if (!tensor.defined()) return {};
    return toQImage(ds::tensor_to_image(tensor.detach().to(at::kCPU, at::kFloat)));
}

double rms(const at::Tensor& t) {
    if (!t.defined() || t.numel() == 0) return 0;
    return t.detach().to(at::kFloat).pow(2).mean().sqrt().item<double>();
}

// c10::Error's what() carries a backtrace: keep its first line, as every message of the core is one.
QString firstLine(const char* text) {
    const QString s = QString::fromUtf8(text).trimmed();
    const qsizetype end = s.indexOf(QLatin1Char('\n'));
    return end < 0 ? s : s.left(end).trimmed();
}

QString messageOf(const std::exception& e) {
    if (const auto* c10 = dynamic_cast<const c10::Error*>(&e)) return firstLine(c10->what_without_backtrace());
    return firstLine(e.what());
}

bool looksLikeOutOfMemory(const QString& message) {
    return message.contains(QLatin1String("out of memory"), Qt::CaseInsensitive) ||
           message.contains(QLatin1String("DefaultCPUAllocator: can't allocate"), Qt::CaseInsensitive);
}

ds::GenerationParams toParams(const GenerationRequest& r) {
    ds::GenerationParams p;
    p.prompt = r.prompt.toStdString();
    p.negative_prompt = r.negativePrompt.toStdString();
    p.sampler = r.sampler.toStdString();
    p.karras = r.karras;
    p.steps = r.steps;
    p.cfg_scale = r.cfgScale;
    p.seed = r.seed;
    p.width = r.width;
    p.height = r.height;
    return p;
}

QString parametersText(const ds::GenerationParams& p, const std::string& modelName) {
    ds::GenerationMetadata m;
    m.prompt = p.prompt;
    m.negative_prompt = p.negative_prompt;
    m.steps = p.steps;
    m.sampler = p.sampler;
    m.karras = p.karras;
    m.cfg_scale = p.cfg_scale;
    m.seed = p.seed;
    m.width = p.width;
    m.height = p.height;
    m.model = modelName;
    return QString::fromStdString(ds::format_parameters(m));
}

}  // namespace

struct GenerationEngine::State {
    std::mutex mutex;  // guards currentId and the token's reset against cancel() from the UI thread
    int currentId = INT_MIN;
    int cancelThrough = INT_MIN;
    ds::CancelToken token;

    std::unique_ptr<ds::StableDiffusionModel> model;
    QString modelKey;
    int appliedThreads = -1;
};

GenerationEngine::GenerationEngine(QObject* parent) : QObject(parent), m_state(std::make_unique<State>()) {}

GenerationEngine::~GenerationEngine() = default;

void GenerationEngine::cancel(int id) {
    const std::lock_guard<std::mutex> lock(m_state->mutex);
    m_state->cancelThrough = std::max(m_state->cancelThrough, id);
    if (m_state->currentId != INT_MIN && m_state->currentId <= id) m_state->token.cancel();
}

QStringList GenerationEngine::builtinSchedules() {
    QStringList out;
    try {
        for (const std::string& v : ds::builtin_variants(ds::find_builtin_model_dir()))
            if (v != "inpaint") out << QString::fromStdString(v);
    } catch (const std::exception&) {
        // No built-in model installed: the picker then offers checkpoints only.
    }
    return out;
}

QStringList GenerationEngine::samplerNames() {
    QStringList out;
    for (const std::string& name : ds::sampler_names()) out << QString::fromStdString(name);
    return out;
}

QStringList GenerationEngine::devices() {
    QStringList out{QStringLiteral("auto"), QStringLiteral("cpu")};
    try {
        ds::parse_device("cuda");
        out << QStringLiteral("cuda");
    } catch (const std::exception&) {
    }
    return out;
}

void GenerationEngine::releaseModel() {
    m_state->model.reset();
    m_state->modelKey.clear();
}

void GenerationEngine::run(int id, const GenerationRequest& request, const EngineOptions& options) {
    State& s = *m_state;
    {
        const std::lock_guard<std::mutex> lock(s.mutex);
        s.currentId = id;
        s.token.reset();
        if (id <= s.cancelThrough) s.token.cancel();
    }
    struct EndJob {  // currentId back to "none" however the job ends
        State& s;
        ~EndJob() {
            const std::lock_guard<std::mutex> lock(s.mutex);
            s.currentId = INT_MIN;
        }
    } endJob{s};
    if (s.token.cancelled()) {
        Q_EMIT cancelled(id);
        return;
    }
    Q_EMIT started(id);
    const Clock::time_point jobStart = Clock::now();

    auto fail = [&](GenerationFailure::Kind kind, const QString& detail) {
        GenerationFailure failure;
        failure.id = id;
        failure.kind = looksLikeOutOfMemory(detail) ? GenerationFailure::Kind::OutOfMemory : kind;
        failure.detail = detail;
        Q_EMIT failed(failure);
    };

    // The intra-op pool is configured from the thread that computes (OpenMP keeps it per thread).
    if (options.threads != s.appliedThreads) {
        ds::configure_threads(ds::ThreadRole::Studio, options.threads);
        s.appliedThreads = options.threads;
    }

    const QString key = (request.isBuiltin() ? QStringLiteral("builtin:") + request.builtinSchedule
                                             : QFileInfo(request.modelPath).absoluteFilePath()) +
                        QLatin1Char('@') + options.device;
    if (key != s.modelKey || !s.model) {
        s.model.reset();  // free the old one first: two SD models may not fit together
        s.modelKey.clear();
        try {
            if (request.isBuiltin()) {
                ds::BuiltinModelOptions o;
                o.variant = request.builtinSchedule.toStdString();
                o.device = options.device.toStdString();
                s.model = std::make_unique<ds::StableDiffusionModel>(ds::load_builtin_model(o));
            } else {
                ds::ModelLoadOptions o;
                o.device = options.device.toStdString();
                s.model = std::make_unique<ds::StableDiffusionModel>(
                    ds::load_stable_diffusion(request.modelPath.toStdString(), o));
            }
            s.modelKey = key;
        } catch (const std::bad_alloc&) {
            fail(GenerationFailure::Kind::OutOfMemory, QStringLiteral("out of memory while loading the model"));
            return;
        } catch (const std::exception& e) {
            fail(GenerationFailure::Kind::ModelLoad, messageOf(e));
            return;
        }
    }
    const ds::StableDiffusionModel& model = *s.model;
    Q_EMIT loaded(id, QString::fromStdString(model.name));
    if (s.token.cancelled()) {  // the load is not interruptible: honour a cancel that came during it
        Q_EMIT cancelled(id);
        return;
    }

    const ds::GenerationParams params = toParams(request);
    try {
        ds::validate_generation_params(params);
        const auto sampler = ds::make_planned_sampler(model, params);
        GenerationPlan plan;
        plan.scheduleName = QString::fromStdString(ds::schedule_kind_name(model.sampler.schedule.kind));
        plan.trainTimesteps = model.sampler.schedule.timesteps;
        for (size_t i = 0; i < sampler->timesteps().size(); ++i) {
            plan.timesteps << sampler->timesteps()[i];
            plan.sigmas << sampler->sigmas()[i];
        }
        plan.width = params.width;
        plan.height = params.height;
        Q_EMIT planned(id, plan);
    } catch (const std::invalid_argument& e) {
        fail(GenerationFailure::Kind::InvalidParameters, messageOf(e));
        return;
    } catch (const std::exception& e) {
        fail(GenerationFailure::Kind::Other, messageOf(e));
        return;
    }

    ds::GenerationCallbacks callbacks;
    callbacks.cancel = &s.token;
    callbacks.decode_interval = std::max(0, options.decodeInterval);
    callbacks.on_step = [&](const ds::GenerationStep& step) {
        const ds::StepEvent& e = step.event;
        StepUpdate u;
        u.index = e.index;
        u.count = e.count;
        u.timestep = e.timestep;
        u.sigma = e.sigma;
        u.latentStd = e.xt.defined() ? e.xt.detach().to(at::kFloat).std().item<double>() : 0;
        u.epsNorm = rms(e.eps_pred);
        // txt2img reports the L2 norm of eps_cond - eps_uncond over one latent; as RMS it compares
        // with the other two measures.
        u.guidanceNorm =
            e.eps_pred.defined() && e.eps_pred.numel() > 0 ? step.guidance_norm / std::sqrt(double(e.eps_pred.numel())) : 0;
        u.ms = e.ms;
        u.latentPreview = toImage(step.preview_xt);
        u.x0Preview = toImage(step.preview_x0);
        u.x0Decoded = toImage(step.decoded_x0);
        Q_EMIT stepped(id, u);
    };

    try {
        const ds::GenerationResult result = ds::txt2img(model, params, callbacks);
        GenerationOutcome outcome;
        outcome.id = id;
        outcome.request = request;
        outcome.modelName = QString::fromStdString(model.name);
        outcome.parameters = parametersText(params, model.name);
        outcome.image = toImage(result.image);
        outcome.seconds = std::chrono::duration<double>(Clock::now() - jobStart).count();
        Q_EMIT finished(outcome);
    } catch (const ds::Cancelled&) {
        Q_EMIT cancelled(id);
    } catch (const std::bad_alloc&) {
        fail(GenerationFailure::Kind::OutOfMemory, QStringLiteral("out of memory"));
    } catch (const std::invalid_argument& e) {
        fail(GenerationFailure::Kind::InvalidParameters, messageOf(e));
    } catch (const std::exception& e) {
        const QString message = messageOf(e);
        fail(message.contains(QLatin1String("NaN")) ? GenerationFailure::Kind::NonFinite : GenerationFailure::Kind::Other,
             message);
    }
}

}  // namespace ds::ui
