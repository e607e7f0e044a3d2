// Asserts the worker's engine, driven synchronously on the test thread (its signals then arrive at
// once, in order): a built-in run emits started, loaded, the plan, one step per model call in order
// (previews every step, a VAE decode every N steps and at the last, finite positive measures) and a
// 64x64 result whose parameters text reads back; a seed fixes the image; cancel stops before the next
// model call and a cancel before the start skips the job; a missing variant, a broken checkpoint and a
// bad size come back as failures of the right kind with a one-line message; the tiny SD checkpoint
// (shared fixture) generates too.
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QtTest>

#include <filesystem>

#include "core/builtin/builtin_model_location.h"
#include "core/pipeline/generation_metadata.h"
#include "tests/ui/ui_test_support.h"
#include "ui/bridge/generation_engine.h"

using ds::ui::GenerationEngine;
using ds::ui::GenerationFailure;
using ds::ui::GenerationOutcome;
using ds::ui::GenerationPlan;
using ds::ui::GenerationRequest;
using ds::ui::StepUpdate;

namespace {

GenerationRequest builtinRequest(int steps, quint64 seed = 123) {
    GenerationRequest r;
    r.prompt = QStringLiteral("a red heart");
    r.steps = steps;
    r.seed = seed;
    r.width = 64;
    r.height = 64;
    r.sampler = QStringLiteral("euler-a");
    return r;
}

ds::ui::EngineOptions options(int decodeInterval = 0) {
    ds::ui::EngineOptions o;
    o.device = QStringLiteral("cpu");
    o.decodeInterval = decodeInterval;
    return o;
}

}  // namespace

class GenerationEngineTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void builtinSchedulesAreThoseOnDisk();
    void builtinRunEmitsPlanStepsAndResult();
    void aSeedFixesTheImage();
    void cancelStopsBeforeTheNextModelCall();
    void cancelBeforeTheStartSkipsTheJob();
    void missingVariantFailsAsModelLoad();
    void builtinModelFolderRunsAsTheBuiltInModel();
    void brokenCheckpointFailsAsModelLoad();
    void badSizeFailsAsInvalidParameters();
    void tinyStableDiffusionCheckpoint();

private:
    GenerationFailure runExpectingFailure(const GenerationRequest& request);
    GenerationEngine m_engine;
    int m_nextId = 1;
};

void GenerationEngineTest::initTestCase() {
    qRegisterMetaType<GenerationPlan>();
    qRegisterMetaType<StepUpdate>();
    qRegisterMetaType<GenerationOutcome>();
    qRegisterMetaType<GenerationFailure>();
    if (GenerationEngine::builtinSchedules().isEmpty()) QFAIL("the built-in model is not installed");
}

void GenerationEngineTest::builtinSchedulesAreThoseOnDisk() {
    const QStringList schedules = GenerationEngine::builtinSchedules();
    QVERIFY(schedules.contains(QStringLiteral("cosine")));  // the shipped variant
    QVERIFY(!schedules.contains(QStringLiteral("inpaint")));  // not a text-to-image choice
    QVERIFY(GenerationEngine::samplerNames().contains(QStringLiteral("euler-a")));
    QCOMPARE(GenerationEngine::devices().mid(0, 2), QStringList({QStringLiteral("auto"), QStringLiteral("cpu")}));
}

void GenerationEngineTest::builtinRunEmitsPlanStepsAndResult() {
    QSignalSpy started(&m_engine, &GenerationEngine::started);
    QSignalSpy loaded(&m_engine, &GenerationEngine::loaded);
    QSignalSpy planned(&m_engine, &GenerationEngine::planned);
    QSignalSpy stepped(&m_engine, &GenerationEngine::stepped);
    QSignalSpy finished(&m_engine, &GenerationEngine::finished);
    QSignalSpy failed(&m_engine, &GenerationEngine::failed);
    const int id = m_nextId++;
    m_engine.run(id, builtinRequest(5), options(2));
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed[0][0].value<GenerationFailure>().detail));
    QCOMPARE(started.size(), 1);
    QCOMPARE(loaded.size(), 1);
    QCOMPARE(loaded[0][1].toString(), QStringLiteral("builtin-cosine"));
    QCOMPARE(planned.size(), 1);
    const GenerationPlan plan = planned[0][1].value<GenerationPlan>();
    QCOMPARE(plan.timesteps.size(), 5);
    QCOMPARE(plan.sigmas.size(), 5);
    QCOMPARE(plan.scheduleName, QStringLiteral("cosine"));
    QCOMPARE(plan.trainTimesteps, 1000);
    for (int i = 1; i < 5; ++i) {
        QVERIFY(plan.timesteps[i] < plan.timesteps[i - 1]);  // from noise towards the image
        QVERIFY(plan.sigmas[i] < plan.sigmas[i - 1]);
    }

    QCOMPARE(stepped.size(), 5);
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(stepped[i][0].toInt(), id);
        const StepUpdate u = stepped[i][1].value<StepUpdate>();
        QCOMPARE(u.index, i);
        QCOMPARE(u.count, 5);
        QCOMPARE(u.timestep, plan.timesteps[i]);
        QCOMPARE(u.sigma, plan.sigmas[i]);
        QVERIFY(!u.latentPreview.isNull());
        QVERIFY(!u.x0Preview.isNull());
        // decode interval 2: steps 2 and 4, and the last one.
        const bool decoded = i == 1 || i == 3 || i == 4;
        QCOMPARE(!u.x0Decoded.isNull(), decoded);
        if (decoded) QCOMPARE(u.x0Decoded.size(), QSize(64, 64));
        QVERIFY(u.latentStd > 0 && std::isfinite(u.latentStd));
        QVERIFY(u.epsNorm > 0 && std::isfinite(u.epsNorm));
        QVERIFY(u.guidanceNorm > 0 && std::isfinite(u.guidanceNorm));  // CFG 7.5: a guidance term
        QVERIFY(u.ms >= 0);
    }
    QCOMPARE(finished.size(), 1);
    const GenerationOutcome outcome = finished[0][0].value<GenerationOutcome>();
    QCOMPARE(outcome.id, id);
    QCOMPARE(outcome.image.size(), QSize(64, 64));
    QCOMPARE(outcome.modelName, QStringLiteral("builtin-cosine"));
    const ds::GenerationMetadata m = ds::parse_parameters(outcome.parameters.toStdString());
    QCOMPARE(QString::fromStdString(m.prompt), QStringLiteral("a red heart"));
    QCOMPARE(m.seed, quint64(123));
    QCOMPARE(m.steps, 5);
    QCOMPARE(m.width, 64);
    QCOMPARE(QString::fromStdString(m.model), QStringLiteral("builtin-cosine"));
}

void GenerationEngineTest::aSeedFixesTheImage() {
    QSignalSpy finished(&m_engine, &GenerationEngine::finished);
    m_engine.run(m_nextId++, builtinRequest(3, 7), options());
    m_engine.run(m_nextId++, builtinRequest(3, 8), options());
    m_engine.run(m_nextId++, builtinRequest(3, 7), options());
    QCOMPARE(finished.size(), 3);
    const QImage a = finished[0][0].value<GenerationOutcome>().image;
    const QImage b = finished[1][0].value<GenerationOutcome>().image;
    const QImage c = finished[2][0].value<GenerationOutcome>().image;
    QCOMPARE(c, a);
    QVERIFY(b != a);
}

void GenerationEngineTest::cancelStopsBeforeTheNextModelCall() {
    QSignalSpy stepped(&m_engine, &GenerationEngine::stepped);
    QSignalSpy finished(&m_engine, &GenerationEngine::finished);
    QSignalSpy cancelled(&m_engine, &GenerationEngine::cancelled);
    const int id = m_nextId++;
    connect(&m_engine, &GenerationEngine::stepped, this, [this, id](int job, const StepUpdate& u) {
        if (job == id && u.index == 1) m_engine.cancel(id);  // as the UI thread would, mid-run
    });
    m_engine.run(id, builtinRequest(20), options());
    disconnect(&m_engine, &GenerationEngine::stepped, this, nullptr);
    QCOMPARE(stepped.size(), 2);  // no model call after the cancel
    QCOMPARE(cancelled.size(), 1);
    QCOMPARE(cancelled[0][0].toInt(), id);
    QVERIFY(finished.isEmpty());
    m_engine.run(m_nextId++, builtinRequest(2), options());  // the next job is not cancelled
    QCOMPARE(finished.size(), 1);
}

void GenerationEngineTest::cancelBeforeTheStartSkipsTheJob() {
    QSignalSpy started(&m_engine, &GenerationEngine::started);
    QSignalSpy cancelled(&m_engine, &GenerationEngine::cancelled);
    QSignalSpy finished(&m_engine, &GenerationEngine::finished);
    const int id = m_nextId++;
    m_engine.cancel(id);  // queued but not started, as when the window closes
    m_engine.run(id, builtinRequest(2), options());
    QCOMPARE(started.size(), 0);
    QCOMPARE(cancelled.size(), 1);
    m_engine.run(m_nextId++, builtinRequest(2), options());
    QCOMPARE(finished.size(), 1);
}

GenerationFailure GenerationEngineTest::runExpectingFailure(const GenerationRequest& request) {
    QSignalSpy failed(&m_engine, &GenerationEngine::failed);
    QSignalSpy finished(&m_engine, &GenerationEngine::finished);
    const int id = m_nextId++;
    m_engine.run(id, request, options());
    if (failed.size() != 1 || !finished.isEmpty()) return {};
    const GenerationFailure f = failed[0][0].value<GenerationFailure>();
    return f.id == id ? f : GenerationFailure{};
}

void GenerationEngineTest::missingVariantFailsAsModelLoad() {
    GenerationRequest r = builtinRequest(2);
    r.builtinSchedule = QStringLiteral("no-such-schedule");
    const GenerationFailure f = runExpectingFailure(r);
    QCOMPARE(f.kind, GenerationFailure::Kind::ModelLoad);
    QVERIFY2(f.detail.contains(QStringLiteral("no-such-schedule")), qPrintable(f.detail));
    QVERIFY(!f.detail.contains(QLatin1Char('\n')));
}

// A built-in model folder that `train export` wrote, chosen as the model: it holds only the linear
// UNet here, so a run that ignored the folder (and took the shipped one) would not fail where this
// one must.
void GenerationEngineTest::builtinModelFolderRunsAsTheBuiltInModel() {
    namespace fs = std::filesystem;
    const fs::path shipped = ds::find_builtin_model_dir();
    const fs::path mine = fs::path(ds::test::uiTestOutputDir().toStdString()) / "my-builtin-model";
    fs::remove_all(mine);
    fs::create_directories(mine);
    for (const char* f : {"model.json", "tokenizer.model", "vae.safetensors"}) fs::copy_file(shipped / f, mine / f);
    fs::copy(shipped / "linear", mine / "linear", fs::copy_options::recursive);
    const QString folder = QString::fromStdString(mine.string());
    QVERIFY(GenerationEngine::isBuiltinModelFolder(folder));
    QVERIFY(!GenerationEngine::isBuiltinModelFolder(QString()));
    QVERIFY(!GenerationEngine::isBuiltinModelFolder(QStringLiteral(DS_SHARED_DIR "/fixtures/sd-tiny/diffusers")));

    QSignalSpy finished(&m_engine, &GenerationEngine::finished);
    GenerationRequest fromFolder = builtinRequest(3, 77);
    fromFolder.modelPath = folder;
    fromFolder.builtinSchedule = QStringLiteral("linear");
    m_engine.run(m_nextId++, fromFolder, options());
    GenerationRequest fromShipped = builtinRequest(3, 77);
    fromShipped.builtinSchedule = QStringLiteral("linear");
    m_engine.run(m_nextId++, fromShipped, options());
    QCOMPARE(finished.size(), 2);
    QCOMPARE(finished[0][0].value<GenerationOutcome>().image, finished[1][0].value<GenerationOutcome>().image);

    fromFolder.builtinSchedule = QStringLiteral("cosine");
    const GenerationFailure f = runExpectingFailure(fromFolder);
    QCOMPARE(f.kind, GenerationFailure::Kind::ModelLoad);
    QVERIFY2(f.detail.contains(QStringLiteral("cosine")) && f.detail.contains(QStringLiteral("my-builtin-model")),
             qPrintable(f.detail));
    fs::remove_all(mine);
}

void GenerationEngineTest::brokenCheckpointFailsAsModelLoad() {
    const QString path = QDir(ds::test::uiTestOutputDir()).filePath(QStringLiteral("broken-model.safetensors"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("this is not a safetensors file");
    file.close();
    GenerationRequest r = builtinRequest(2);
    r.modelPath = path;
    const GenerationFailure f = runExpectingFailure(r);
    QCOMPARE(f.kind, GenerationFailure::Kind::ModelLoad);
    QVERIFY2(!f.detail.isEmpty() && !f.detail.contains(QLatin1Char('\n')), qPrintable(f.detail));
    // The engine still works afterwards, with the built-in model.
    QSignalSpy finished(&m_engine, &GenerationEngine::finished);
    m_engine.run(m_nextId++, builtinRequest(2), options());
    QCOMPARE(finished.size(), 1);
}

void GenerationEngineTest::badSizeFailsAsInvalidParameters() {
    GenerationRequest r = builtinRequest(2);
    r.width = 60;  // not a multiple of 8
    const GenerationFailure f = runExpectingFailure(r);
    QCOMPARE(f.kind, GenerationFailure::Kind::InvalidParameters);
    QVERIFY2(f.detail.contains(QStringLiteral("60")), qPrintable(f.detail));
}

void GenerationEngineTest::tinyStableDiffusionCheckpoint() {
    const QString dir = QStringLiteral(DS_SHARED_DIR "/fixtures/sd-tiny/diffusers");
    if (!QFileInfo::exists(dir + QStringLiteral("/model_index.json")))
        QSKIP("the shared sd-tiny fixture is not here");
    QSignalSpy stepped(&m_engine, &GenerationEngine::stepped);
    QSignalSpy finished(&m_engine, &GenerationEngine::finished);
    QSignalSpy failed(&m_engine, &GenerationEngine::failed);
    GenerationRequest r = builtinRequest(3);
    r.modelPath = dir;
    m_engine.run(m_nextId++, r, options(1));
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed[0][0].value<GenerationFailure>().detail));
    QCOMPARE(stepped.size(), 3);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished[0][0].value<GenerationOutcome>().image.size(), QSize(64, 64));
}

DS_REGISTER_UI_TEST(GenerationEngineTest)
#include "test_generation_engine.moc"
