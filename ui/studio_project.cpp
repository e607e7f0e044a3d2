#include "ui/studio_project.h"

#include <QDir>
#include <QPainter>
#include <algorithm>
#include <cmath>
#include <exception>
#include <stdexcept>

#include "core/project/project_file.h"
#include "ui/bridge/image_bridge.h"

namespace ds::ui {
namespace {

const char* modeName(GenerationMode mode) {
    switch (mode) {
        case GenerationMode::ImageToImage: return "img2img";
        case GenerationMode::Inpaint: return "inpaint";
        case GenerationMode::Outpaint: return "outpaint";
        case GenerationMode::TextToImage: break;
    }
    return "txt2img";
}

bool parseMode(const std::string& name, GenerationMode* mode) {
    for (GenerationMode m : {GenerationMode::TextToImage, GenerationMode::ImageToImage, GenerationMode::Inpaint,
                             GenerationMode::Outpaint})
        if (name == modeName(m)) {
            *mode = m;
            return true;
        }
    return false;
}

std::string text(const QString& s) { return s.toStdString(); }
QString qtext(const std::string& s) { return QString::fromStdString(s); }

// Reads settings[key] into *value when it parses; otherwise leaves the default.
class SettingsReader {
public:
    explicit SettingsReader(const std::map<std::string, std::string>& settings) : m_settings(settings) {}

    void read(const char* key, QString* value) const {
        if (const std::string* s = find(key)) *value = qtext(*s);
    }
    void read(const char* key, int* value) const {
        bool ok = false;
        if (const std::string* s = find(key)) {
            const int v = qtext(*s).toInt(&ok);
            if (ok) *value = v;
        }
    }
    void read(const char* key, double* value) const {
        bool ok = false;
        if (const std::string* s = find(key)) {
            const double v = qtext(*s).toDouble(&ok);
            if (ok && std::isfinite(v)) *value = v;
        }
    }
    void read(const char* key, quint64* value) const {
        bool ok = false;
        if (const std::string* s = find(key)) {
            const quint64 v = qtext(*s).toULongLong(&ok);
            if (ok) *value = v;
        }
    }
    void read(const char* key, bool* value) const {
        if (const std::string* s = find(key)) {
            if (*s == "true") *value = true;
            if (*s == "false") *value = false;
        }
    }

private:
    const std::string* find(const char* key) const {
        const auto it = m_settings.find(key);
        return it == m_settings.end() ? nullptr : &it->second;
    }
    const std::map<std::string, std::string>& m_settings;
};

std::string boolText(bool b) { return b ? "true" : "false"; }

// Margins as "left,top,right,bottom" (the outpaint extension and the canvas frame).
std::string marginsText(const QMargins& m) {
    return std::to_string(m.left()) + "," + std::to_string(m.top()) + "," + std::to_string(m.right()) + "," +
           std::to_string(m.bottom());
}

// Reads marginsText's form; leaves *out alone unless all four numbers parse.
bool parseMargins(const std::string& text, QMargins* out) {
    const QStringList parts = qtext(text).split(QLatin1Char(','));
    if (parts.size() != 4) return false;
    int v[4] = {0, 0, 0, 0};
    for (int i = 0; i < 4; ++i) {
        bool ok = false;
        v[i] = parts[i].trimmed().toInt(&ok);
        if (!ok) return false;
    }
    *out = QMargins(v[0], v[1], v[2], v[3]);
    return true;
}
std::string numberText(double v) { return text(QString::number(v, 'g', 17)); }

// The picture as RGBA8888 and the mask as Grayscale8, whatever the project stored.
QImage imageToPicture(const ds::Image& image) { return toQImage(image).convertToFormat(QImage::Format_RGBA8888); }
QImage imageToMask(const ds::Image& image) {
    return toQImage(image).convertToFormat(QImage::Format_Grayscale8);
}

bool maskIsEmpty(const QImage& mask) {
    for (int y = 0; y < mask.height(); ++y) {
        const uchar* line = mask.constScanLine(y);
        for (int x = 0; x < mask.width(); ++x)
            if (line[x] != 0) return false;
    }
    return true;
}

}  // namespace

std::map<std::string, std::string> requestSettings(const GenerationRequest& r) {
    return {
        {"mode", modeName(r.mode)},
        {"model", text(r.modelPath)},
        {"builtin_schedule", text(r.builtinSchedule)},
        {"sampler", text(r.sampler)},
        {"karras", boolText(r.karras)},
        {"steps", std::to_string(r.steps)},
        {"cfg", numberText(r.cfgScale)},
        {"seed", std::to_string(r.seed)},
        {"width", std::to_string(r.width)},
        {"height", std::to_string(r.height)},
        {"strength", numberText(r.strength)},
        {"feather", std::to_string(r.feather)},
        {"only_masked", boolText(r.onlyMasked)},
        {"mask_padding", std::to_string(r.maskPadding)},
        {"inpaint_method", text(r.inpaintMethod)},
        {"extend", marginsText(QMargins(r.extendLeft, r.extendTop, r.extendRight, r.extendBottom))},
        {"outpaint_fill", text(r.outpaintFill)},
        {"overlap", std::to_string(r.overlap)},
        {"prompt", text(r.prompt)},
        {"negative_prompt", text(r.negativePrompt)},
    };
}

GenerationRequest requestFromSettings(const std::map<std::string, std::string>& settings,
                                      const GenerationRequest& defaults) {
    GenerationRequest r = defaults;
    const SettingsReader in(settings);
    if (const auto it = settings.find("mode"); it != settings.end()) parseMode(it->second, &r.mode);
    in.read("model", &r.modelPath);
    in.read("builtin_schedule", &r.builtinSchedule);
    in.read("sampler", &r.sampler);
    in.read("karras", &r.karras);
    in.read("steps", &r.steps);
    in.read("cfg", &r.cfgScale);
    in.read("seed", &r.seed);
    in.read("width", &r.width);
    in.read("height", &r.height);
    in.read("strength", &r.strength);
    in.read("feather", &r.feather);
    in.read("only_masked", &r.onlyMasked);
    in.read("mask_padding", &r.maskPadding);
    in.read("inpaint_method", &r.inpaintMethod);
    in.read("outpaint_fill", &r.outpaintFill);
    in.read("overlap", &r.overlap);
    in.read("prompt", &r.prompt);
    in.read("negative_prompt", &r.negativePrompt);
    if (const auto it = settings.find("extend"); it != settings.end()) {
        QMargins extend;
        if (parseMargins(it->second, &extend)) {
            r.extendLeft = extend.left();
            r.extendTop = extend.top();
            r.extendRight = extend.right();
            r.extendBottom = extend.bottom();
        }
    }
    return r;
}

std::map<std::string, std::string> projectSettings(const StudioProject& studio) {
    std::map<std::string, std::string> settings = requestSettings(studio.settings);
    settings["random_seed"] = boolText(studio.randomSeed);
    settings["has_canvas"] = boolText(!studio.image.isNull());
    settings["outpaint_margins"] = marginsText(studio.outpaintMargins);
    settings["canvas_feather"] = std::to_string(studio.featherRadius);
    return settings;
}

ds::Project toProject(const StudioProject& studio) {
    ds::Project project;
    if (!studio.image.isNull()) {
        project.width = studio.image.width();
        project.height = studio.image.height();
        ds::ProjectLayer layer;
        layer.name = "canvas";
        layer.image = fromQImageKeepingAlpha(studio.image);
        project.layers.push_back(std::move(layer));
        if (!studio.mask.isNull() && !maskIsEmpty(studio.mask)) project.mask = maskFromQImage(studio.mask);
    } else {
        // No canvas yet: the format wants a canvas size; the settings' size stands in.
        project.width = std::max(1, studio.settings.width);
        project.height = std::max(1, studio.settings.height);
    }
    project.prompt = text(studio.settings.prompt);
    project.negative_prompt = text(studio.settings.negativePrompt);
    project.settings = projectSettings(studio);
    project.settings.erase("prompt");  // kept in their own fields
    project.settings.erase("negative_prompt");
    for (const GenerationOutcome& outcome : studio.history) {
        ds::ProjectHistoryEntry entry;
        entry.kind = modeName(outcome.request.mode);
        entry.parameters = text(outcome.parameters);
        entry.extra = requestSettings(outcome.request);
        entry.extra["model_name"] = text(outcome.modelName);
        entry.extra["seconds"] = numberText(outcome.seconds);
        entry.extra["id"] = std::to_string(outcome.id);
        if (!outcome.image.isNull()) entry.image = fromQImageKeepingAlpha(outcome.image);
        project.history.push_back(std::move(entry));
    }
    return project;
}

StudioProject fromProject(const ds::Project& project) {
    StudioProject studio;
    const SettingsReader in(project.settings);
    bool hasCanvas = !project.layers.empty();
    in.read("has_canvas", &hasCanvas);
    if (hasCanvas && !project.layers.empty()) {
        if (project.layers.size() == 1 && project.layers[0].x == 0 && project.layers[0].y == 0 &&
            project.layers[0].visible && project.layers[0].opacity == 1.0 &&
            project.layers[0].image.width == project.width && project.layers[0].image.height == project.height) {
            studio.image = imageToPicture(project.layers[0].image);  // the studio's own layout: exact
        } else {
            // Several layers (another tool's project): flattened in order, as they are shown.
            QImage canvas(project.width, project.height, QImage::Format_RGBA8888);
            canvas.fill(Qt::transparent);
            QPainter painter(&canvas);
            for (const ds::ProjectLayer& layer : project.layers) {
                if (!layer.visible) continue;
                painter.setOpacity(layer.opacity);
                painter.drawImage(QPoint(layer.x, layer.y), imageToPicture(layer.image));
            }
            painter.end();
            studio.image = canvas;
        }
        if (!project.mask.pixels.empty()) studio.mask = imageToMask(project.mask);
    } else if (!project.mask.pixels.empty()) {
        throw std::invalid_argument("the project has a mask but no picture");
    }
    std::map<std::string, std::string> settings = project.settings;
    settings["prompt"] = project.prompt;
    settings["negative_prompt"] = project.negative_prompt;
    studio.settings = requestFromSettings(settings);
    in.read("random_seed", &studio.randomSeed);
    in.read("canvas_feather", &studio.featherRadius);
    if (const auto it = project.settings.find("outpaint_margins"); it != project.settings.end())
        parseMargins(it->second, &studio.outpaintMargins);
    for (const ds::ProjectHistoryEntry& entry : project.history) {
        GenerationOutcome outcome;
        outcome.request = requestFromSettings(entry.extra);
        parseMode(entry.kind, &outcome.request.mode);
        outcome.parameters = qtext(entry.parameters);
        const SettingsReader extra(entry.extra);
        extra.read("model_name", &outcome.modelName);
        extra.read("seconds", &outcome.seconds);
        extra.read("id", &outcome.id);
        if (!entry.image.pixels.empty()) outcome.image = imageToPicture(entry.image);
        studio.history.push_back(outcome);
    }
    return studio;
}

bool saveStudioProject(const QString& path, const StudioProject& project, QString* error) {
    try {
        ds::save_project(QDir::toNativeSeparators(path).toStdString(), toProject(project));
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
}

bool openStudioProject(const QString& path, StudioProject* project, QString* error) {
    try {
        *project = fromProject(ds::open_project(QDir::toNativeSeparators(path).toStdString()));
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
}

}  // namespace ds::ui
