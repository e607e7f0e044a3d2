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
#include <string>
#include <utility>
#include <vector>

#include "core/builtin/builtin_model.h"
#include "core/builtin/builtin_model_location.h"
#include "core/image/image_tensor.h"
#include "core/pipeline/canvas_pipelines.h"
#include "core/pipeline/generation_metadata.h"
#include "core/pipeline/img2img.h"
#include "core/pipeline/outpaint_canvas.h"
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

using ExtraParameters = std::vector<std::pair<std::string, std::string>>;

QString parametersText(const ds::GenerationParams& p, const std::string& modelName, int width, int height,
                       const ExtraParameters& extra) {
    ds::GenerationMetadata m = ds::generation_metadata(p, modelName, width, height);
    m.other = extra;
    return QString::fromStdString(ds::format_parameters(m));
}

// ---- The canvas modes ----------------------------------------------------------------------------

bool inpainting(const GenerationRequest& r) {
    return r.mode == GenerationMode::Inpaint || r.mode == GenerationMode::Outpaint;
}

ds::InpaintMethod parseInpaintMethod(const QString& name) {
    if (name == QLatin1String("auto")) return ds::InpaintMethod::Auto;
    if (name == QLatin1String("unet")) return ds::InpaintMethod::InpaintingUnet;
    if (name == QLatin1String("blend")) return ds::InpaintMethod::LatentBlend;
    throw std::invalid_argument("unknown inpainting method '" + name.toStdString() + "' (auto, unet or blend)");
}

// The label the CLI writes as "Inpaint method" (app/cli/image_command.cpp).
std::string inpaintMethodLabel(bool usedInpaintingUnet) {
    return usedInpaintingUnet ? "inpainting UNet" : "latent blend";
}

std::string sizeText(int w, int h) { return std::to_string(w) + "x" + std::to_string(h); }

// A canvas job's inputs in the core's types, checked before any model loads (so bad input costs no
// load); the pipelines check them again, and what only they can check (feather, padding and overlap
// ranges, a method the model lacks) fails there with their message.
struct CanvasInput {
    ds::Image image;  // RGB
    ds::Image mask;   // inpaint: one channel, 1 = repaint
    ds::InpaintMethod method = ds::InpaintMethod::Auto;
    ds::OutpaintFill fill = ds::OutpaintFill::Blur;
    ds::CanvasExtension extension;
    int outWidth = 0, outHeight = 0;  // the result's size
};

// Throws std::invalid_argument naming the problem.
CanvasInput prepareCanvas(const GenerationRequest& r) {
    const std::string what = r.mode == GenerationMode::ImageToImage ? "img2img"
                             : r.mode == GenerationMode::Inpaint    ? "inpainting"
                                                                    : "outpainting";
    const QImage& init = r.initImage;
    if (init.isNull() || init.width() <= 0 || init.height() <= 0)
        throw std::invalid_argument(what + ": the image is empty");
    if (init.width() > ds::kMaxImageSide || init.height() > ds::kMaxImageSide)
        throw std::invalid_argument(what + ": the image is " + sizeText(init.width(), init.height()) +
                                    ", more than " + std::to_string(ds::kMaxImageSide) + " px a side");
    // As the pipelines' own check (canvas_pipelines.cpp), before the image is converted.
    const bool whole = r.mode == GenerationMode::ImageToImage || (r.mode == GenerationMode::Inpaint && !r.onlyMasked);
    if (whole && (init.width() > ds::kMaxCanvasSide || init.height() > ds::kMaxCanvasSide))
        throw std::invalid_argument(what + ": the image is " + sizeText(init.width(), init.height()) + ", more than " +
                                    std::to_string(ds::kMaxCanvasSide) + " px a side cannot be processed whole" +
                                    (r.mode == GenerationMode::Inpaint ? " (inpaint only the masked area)" : ""));
    ds::validate_strength(r.strength, r.steps);

    CanvasInput in;
    in.outWidth = init.width();
    in.outHeight = init.height();
    if (inpainting(r)) in.method = parseInpaintMethod(r.inpaintMethod);
    if (r.mode == GenerationMode::Inpaint) {
        if (r.mask.isNull()) throw std::invalid_argument("inpainting needs a mask: paint the area to repaint");
        in.mask = maskFromQImage(r.mask);
    } else if (r.mode == GenerationMode::Outpaint) {
        in.fill = ds::parse_outpaint_fill(r.outpaintFill.toStdString());
        in.extension = {r.extendLeft, r.extendTop, r.extendRight, r.extendBottom};
        ds::validate_extension(in.extension, init.width(), init.height());
        in.outWidth += r.extendLeft + r.extendRight;
        in.outHeight += r.extendTop + r.extendBottom;
    }
    in.image = fromQImage(init);
    if (r.mode == GenerationMode::Inpaint) ds::validate_canvas_mask(in.image, in.mask);
    return in;
}

// The built-in model's UNet a job runs from `folder` ("" = the shipped one), as the CLI's
// load_command_model chooses it: inpaint and outpaint take the "inpaint" variant when it is
// installed, unless latent blending (which needs a text-to-image UNet) is asked for; everything
// else the chosen schedule's UNet.
QString builtinVariant(const GenerationRequest& r, const std::string& folder) {
    if (inpainting(r) && r.inpaintMethod != QLatin1String("blend")) {
        try {
            for (const std::string& v : ds::builtin_variants(folder))
                if (v == "inpaint") return QStringLiteral("inpaint");
        } catch (const std::exception&) {
            // No model folder: the load below says so.
        }
    }
    return r.builtinSchedule;
}

// Runs a canvas job; `extra` receives the mode's "parameters" keys, as the CLI writes them.
ds::Image runCanvas(const ds::StableDiffusionModel& model, const GenerationRequest& r, const CanvasInput& in,
                    const ds::GenerationParams& params, const ds::GenerationCallbacks& callbacks,
                    ExtraParameters& extra) {
    extra.emplace_back("Denoising strength", ds::format_number(r.strength));
    if (r.mode == GenerationMode::ImageToImage) return ds::img2img_image(model, in.image, r.strength, params, callbacks);
    if (r.mode == GenerationMode::Inpaint) {
        ds::CanvasInpaintOptions o;
        o.feather = r.feather;
        o.strength = r.strength;
        o.only_masked = r.onlyMasked;
        o.only_masked_padding = r.maskPadding;
        o.method = in.method;
        ds::CanvasResult result = ds::inpaint_image(model, in.image, in.mask, params, o, callbacks);
        extra.emplace_back("Mask blur", std::to_string(o.feather));
        if (o.only_masked) {
            extra.emplace_back("Inpaint area", "Only masked");
            extra.emplace_back("Masked area padding", std::to_string(o.only_masked_padding));
        }
        extra.emplace_back("Inpaint method", inpaintMethodLabel(result.used_inpainting_unet));
        return std::move(result.image);
    }
    ds::OutpaintOptions o;
    o.extension = in.extension;
    o.fill = in.fill;
    o.overlap = r.overlap;
    o.strength = r.strength;
    o.method = in.method;
    ds::CanvasResult result = ds::outpaint_image(model, in.image, o, params, callbacks);
    const ds::CanvasExtension& e = o.extension;
    extra.emplace_back("Outpaint extend", std::to_string(e.left) + "," + std::to_string(e.top) + "," +
                                              std::to_string(e.right) + "," + std::to_string(e.bottom));
    extra.emplace_back("Outpaint fill", ds::outpaint_fill_name(o.fill));
    extra.emplace_back("Outpaint overlap", std::to_string(o.overlap));
    extra.emplace_back("Inpaint method", inpaintMethodLabel(result.used_inpainting_unet));
    return std::move(result.image);
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

bool GenerationEngine::isBuiltinModelFolder(const QString& path) {
    return !path.isEmpty() && ds::is_builtin_model_dir(path.toStdString());
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

    CanvasInput canvas;
    if (request.usesCanvas()) {
        try {
            canvas = prepareCanvas(request);
        } catch (const std::bad_alloc&) {
            fail(GenerationFailure::Kind::OutOfMemory, QStringLiteral("out of memory while reading the canvas"));
            return;
        } catch (const std::invalid_argument& e) {
            fail(GenerationFailure::Kind::InvalidParameters, messageOf(e));
            return;
        }
    }

    // The cache keys on what is loaded: the built-in model's inpainting UNet and its text-to-image
    // UNets are different models.
    // A built-in model folder chosen as the model (what `train export` wrote) runs as the shipped one.
    const bool builtinFolder = isBuiltinModelFolder(request.modelPath);
    const std::string folder = builtinFolder ? request.modelPath.toStdString() : std::string();
    const bool builtin = request.isBuiltin() || builtinFolder;
    const QString variant = builtin ? builtinVariant(request, folder) : QString();
    const QString key = (request.isBuiltin() ? QStringLiteral("builtin:") + variant
                                             : QFileInfo(request.modelPath).absoluteFilePath() +
                                                   (builtin ? QLatin1Char(':') + variant : QString())) +
                        QLatin1Char('@') + options.device;
    if (key != s.modelKey || !s.model) {
        s.model.reset();  // free the old one first: two SD models may not fit together
        s.modelKey.clear();
        try {
            if (builtin) {
                ds::BuiltinModelOptions o;
                o.dir = folder;
                o.variant = variant.toStdString();
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
    // The canvas modes run from the model call where `strength` starts: the plan and the steps the
    // window sees count from there, so that step i is the plan's i-th timestep.
    size_t startIndex = 0;
    try {
        ds::GenerationParams checked = params;
        if (request.usesCanvas()) checked.width = checked.height = 64;  // the canvas's size is checked above
        ds::validate_generation_params(checked);
        const auto sampler = ds::make_planned_sampler(model, params);
        if (request.usesCanvas()) startIndex = ds::strength_start_index(*sampler, params.steps, request.strength);
        GenerationPlan plan;
        plan.scheduleName = QString::fromStdString(ds::schedule_kind_name(model.sampler.schedule.kind));
        plan.trainTimesteps = model.sampler.schedule.timesteps;
        for (size_t i = startIndex; i < sampler->timesteps().size(); ++i) {
            plan.timesteps << sampler->timesteps()[i];
            plan.sigmas << sampler->sigmas()[i];
        }
        plan.width = request.usesCanvas() ? canvas.outWidth : params.width;
        plan.height = request.usesCanvas() ? canvas.outHeight : params.height;
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
        u.index = e.index - static_cast<int>(startIndex);
        u.count = e.count - static_cast<int>(startIndex);
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
        GenerationOutcome outcome;
        ExtraParameters extra;
        if (request.usesCanvas()) {
            outcome.image = toQImage(runCanvas(model, request, canvas, params, callbacks, extra));
            canvas = {};  // the float copies are large for a big canvas: free them before the signal
        } else {
            outcome.image = toImage(ds::txt2img(model, params, callbacks).image);
        }
        outcome.id = id;
        outcome.request = request;
        outcome.modelName = QString::fromStdString(model.name);
        outcome.parameters =
            request.usesCanvas()
                ? parametersText(params, model.name, outcome.image.width(), outcome.image.height(), extra)
                : parametersText(params, model.name, params.width, params.height, extra);
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
