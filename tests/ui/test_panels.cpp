// Asserts the generation widgets on their own, with made-up runs: the generation panel round-trips
// a request, draws fresh seeds when "random" is on and reuses the last one, offers "Open…" and the
// schedule row only for the built-in model; the steps panel fills one thumbnail per step and its
// scrubber replays them after the run; the noise-level panel draws the plan at once and one point per
// step (none for a zero guidance term on its log axis); the schedule plots mark the visited timesteps
// on the model's curve and highlight the current one; the history strip keeps the newest first and
// reports the clicked entry.
#include <qcustomplot.h>

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QListWidget>
#include <QSignalSpy>
#include <QSlider>
#include <QtTest>

#include "core/schedule/noise_schedule.h"
#include "tests/ui/ui_test_support.h"
#include "ui/generation_panel.h"
#include "ui/history_strip.h"
#include "ui/language.h"
#include "ui/noise_level_panel.h"
#include "ui/schedule_plot_panel.h"
#include "ui/steps_panel.h"

using ds::ui::GenerationPlan;
using ds::ui::GenerationRequest;
using ds::ui::NoiseLevelPanel;
using ds::ui::SchedulePlotPanel;
using ds::ui::StepUpdate;

namespace {

GenerationPlan plan(int n) {
    GenerationPlan p;
    p.scheduleName = QStringLiteral("cosine");
    for (int i = 0; i < n; ++i) {
        p.timesteps << 999.0 - i * (999.0 / n);
        p.sigmas << 10.0 / (i + 1);
    }
    p.width = p.height = 64;
    return p;
}

StepUpdate step(int index, int count) {
    StepUpdate u;
    u.index = index;
    u.count = count;
    u.timestep = 999 - index;
    u.sigma = 10.0 / (index + 1);
    u.latentStd = 1.0 + index;
    u.epsNorm = 0.9;
    u.guidanceNorm = index == 0 ? 0.0 : 0.1;
    u.latentPreview = QImage(8, 8, QImage::Format_RGB888);
    u.latentPreview.fill(QColor(index * 20, 0, 0));
    u.x0Preview = QImage(8, 8, QImage::Format_RGB888);
    u.x0Preview.fill(Qt::green);
    return u;
}

}  // namespace

class PanelsTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void generationPanelRoundTrip();
    void randomAndReusedSeeds();
    void modelPicker();
    void stepsPanelFillsAndReplays();
    void noiseLevelPanelDrawsPlanAndSteps();
    void scheduleMarksTheVisitedTimesteps();
    void historyKeepsNewestFirst();
};

void PanelsTest::initTestCase() {
    ds::test::useFreshSettings(QStringLiteral("PanelsTest"));
    QVERIFY(ds::ui::setLanguage(QStringLiteral("en")));
}

void PanelsTest::generationPanelRoundTrip() {
    ds::ui::GenerationPanel panel;
    GenerationRequest r;
    r.prompt = QStringLiteral("a cat");
    r.negativePrompt = QStringLiteral("blurry");
    r.sampler = QStringLiteral("ddim");
    r.karras = true;
    r.steps = 33;
    r.cfgScale = 4.5;
    r.seed = 1234567890123ULL;
    r.width = 96;
    r.height = 128;
    panel.setRequest(r);
    const GenerationRequest back = panel.request();
    QCOMPARE(back.prompt, r.prompt);
    QCOMPARE(back.negativePrompt, r.negativePrompt);
    QCOMPARE(back.sampler, r.sampler);
    QCOMPARE(back.karras, true);
    QCOMPARE(back.steps, 33);
    QCOMPARE(back.cfgScale, 4.5);
    QCOMPARE(back.seed, r.seed);
    QCOMPARE(back.width, 96);
    QCOMPARE(back.height, 128);
    QVERIFY(back.isBuiltin());
    QVERIFY(!panel.randomSeed());
    QCOMPARE(panel.nextRequest().seed, r.seed);  // fixed: the same seed again
}

void PanelsTest::randomAndReusedSeeds() {
    ds::ui::GenerationPanel panel;
    panel.setRandomSeed(true);
    const quint64 a = panel.nextRequest().seed;
    const quint64 b = panel.nextRequest().seed;
    QVERIFY(a != b);
    QVERIFY(panel.hasLastSeed());
    QCOMPARE(panel.lastSeed(), b);
    panel.reuseLastSeed();
    QVERIFY(!panel.randomSeed());
    QCOMPARE(panel.nextRequest().seed, b);
}

void PanelsTest::modelPicker() {
    ds::ui::GenerationPanel panel;
    panel.show();
    auto* combo = panel.findChild<QComboBox*>(QStringLiteral("modelCombo"));
    auto* schedule = panel.findChild<QComboBox*>(QStringLiteral("scheduleCombo"));
    QVERIFY(combo && schedule);
    QVERIFY(schedule->findData(QStringLiteral("cosine")) >= 0);
    QVERIFY(schedule->isVisibleTo(&panel));  // the built-in model: its schedule is a choice
    QSignalSpy open(&panel, &ds::ui::GenerationPanel::openModelRequested);
    emit combo->activated(combo->count() - 1);  // "Open…"
    QCOMPARE(open.size(), 1);
    QCOMPARE(combo->currentIndex(), 0);  // still the built-in model until a file is chosen
    panel.setModelPath(QStringLiteral("/models/a.safetensors"));
    panel.setModelPath(QStringLiteral("/models/b.safetensors"));
    QCOMPARE(panel.recentModels(), QStringList({QStringLiteral("/models/b.safetensors"), QStringLiteral("/models/a.safetensors")}));
    QCOMPARE(panel.request().modelPath, QStringLiteral("/models/b.safetensors"));
    QCOMPARE(panel.request().width, 512);  // a checkpoint: SD's size
    QVERIFY(!schedule->isVisibleTo(&panel));
    emit combo->activated(0);
    QVERIFY(panel.request().isBuiltin());
    QCOMPARE(panel.request().width, 64);
    QVERIFY(schedule->isVisibleTo(&panel));

    // A built-in model folder (what `train export` writes): the built-in size and schedule choice.
    const QString folder = QDir(ds::test::uiTestOutputDir()).filePath(QStringLiteral("panel-builtin-model"));
    QDir().mkpath(folder);
    QFile json(QDir(folder).filePath(QStringLiteral("model.json")));
    QVERIFY(json.open(QIODevice::WriteOnly));
    json.write("{}");
    json.close();
    panel.setModelPath(QStringLiteral("/models/a.safetensors"));
    QCOMPARE(panel.request().width, 512);
    panel.setModelPath(folder);
    QCOMPARE(panel.request().width, 64);
    QVERIFY(schedule->isVisibleTo(&panel));
}

void PanelsTest::stepsPanelFillsAndReplays() {
    ds::ui::StepsPanel panel;
    panel.show();
    panel.startRun(plan(5));
    for (int i = 0; i < 5; ++i) {
        panel.addStep(step(i, 5));
        QCOMPARE(panel.stepCount(), i + 1);
        QCOMPARE(panel.selectedStep(), i);  // follows the newest while running
    }
    auto* list = panel.findChild<QListWidget*>(QStringLiteral("stepList"));
    QCOMPARE(list->count(), 5);
    auto* scrubber = panel.findChild<QSlider*>(QStringLiteral("stepScrubber"));
    QVERIFY(!scrubber->isEnabled());
    panel.finishRun();
    QVERIFY(scrubber->isEnabled());
    QCOMPARE(scrubber->maximum(), 4);
    QSignalSpy selected(&panel, &ds::ui::StepsPanel::stepSelected);
    scrubber->setValue(1);
    QCOMPARE(panel.selectedStep(), 1);
    QCOMPARE(selected.size(), 1);
    QCOMPARE(panel.largeImage(), ds::ui::StepsPanel::stepImage(panel.step(1)));
    list->setCurrentRow(3);  // a click on a thumbnail
    QCOMPARE(panel.selectedStep(), 3);
    QCOMPARE(scrubber->value(), 3);
    panel.replay();
    QCOMPARE(panel.selectedStep(), 0);
    QTRY_COMPARE(panel.selectedStep(), 4);  // walks to the end
    panel.clear();
    QCOMPARE(panel.stepCount(), 0);
    QCOMPARE(list->count(), 0);
}

void PanelsTest::noiseLevelPanelDrawsPlanAndSteps() {
    NoiseLevelPanel panel;
    panel.setPlan(plan(6));
    QCOMPARE(panel.pointCount(NoiseLevelPanel::Series::PlannedSigma), 6);
    QCOMPARE(panel.pointCount(NoiseLevelPanel::Series::LatentStd), 0);
    for (int i = 0; i < 3; ++i) panel.addStep(step(i, 6));
    QCOMPARE(panel.pointCount(NoiseLevelPanel::Series::LatentStd), 3);
    QCOMPARE(panel.pointCount(NoiseLevelPanel::Series::EpsNorm), 3);
    QCOMPARE(panel.pointCount(NoiseLevelPanel::Series::GuidanceNorm), 2);  // step 0 had none
    QCOMPARE(panel.graph(NoiseLevelPanel::Series::LatentStd)->data()->at(2)->value, 3.0);
    QCOMPARE(panel.graph(NoiseLevelPanel::Series::LatentStd)->data()->at(2)->key, 3.0);  // 1-based step
    QVERIFY(panel.plot()->yAxis->scaleType() == QCPAxis::stLogarithmic);
    panel.clear();
    QCOMPARE(panel.pointCount(NoiseLevelPanel::Series::PlannedSigma), 0);
}

void PanelsTest::scheduleMarksTheVisitedTimesteps() {
    SchedulePlotPanel panel;
    panel.setVisitedTimesteps(QStringLiteral("cosine"), 1000, {961, 500.4, 1});
    QCOMPARE(panel.visitCount(), 3);
    ds::ScheduleConfig config;
    config.kind = ds::ScheduleKind::Cosine;
    const ds::NoiseSchedule cosine(config);
    const QCPGraph* visits = panel.visitGraph(SchedulePlotPanel::Quantity::AlphaBar);
    QCOMPARE(visits->data()->size(), 3);
    QCOMPARE(visits->data()->at(1)->key, 500.4);  // sorted by t
    QCOMPARE(visits->data()->at(1)->value, cosine.alpha_bar(500));
    QCOMPARE(panel.currentVisitGraph(SchedulePlotPanel::Quantity::Sigma)->data()->size(), 0);
    panel.setCurrentVisit(0);
    QCOMPARE(panel.currentVisit(), 0);
    const QCPGraph* current = panel.currentVisitGraph(SchedulePlotPanel::Quantity::Sigma);
    QCOMPARE(current->data()->size(), 1);
    QCOMPARE(current->data()->at(0)->key, 961.0);
    QCOMPARE(current->data()->at(0)->value, cosine.sigma(961));
    panel.clearVisits();
    QCOMPARE(panel.visitCount(), 0);
    QCOMPARE(panel.visitGraph(SchedulePlotPanel::Quantity::Beta)->data()->size(), 0);
    QCOMPARE(panel.currentVisitGraph(SchedulePlotPanel::Quantity::Beta)->data()->size(), 0);
    panel.setVisitedTimesteps(QStringLiteral("no-such-schedule"), 1000, {1, 2});
    QCOMPARE(panel.visitCount(), 0);
}

void PanelsTest::historyKeepsNewestFirst() {
    ds::ui::HistoryStrip strip;
    for (int i = 0; i < 3; ++i) {
        ds::ui::GenerationOutcome o;
        o.id = i + 1;
        o.request.prompt = QStringLiteral("prompt %1").arg(i);
        o.image = QImage(64, 64, QImage::Format_RGB888);
        o.image.fill(QColor(i * 50, 0, 0));
        strip.addOutcome(o);
    }
    strip.addOutcome({});  // no image: not kept
    QCOMPARE(strip.count(), 3);
    QCOMPARE(strip.entry(0).request.prompt, QStringLiteral("prompt 2"));
    QSignalSpy activated(&strip, &ds::ui::HistoryStrip::entryActivated);
    auto* list = strip.findChild<QListWidget*>(QStringLiteral("historyList"));
    emit list->itemClicked(list->item(2));
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated[0][0].value<ds::ui::GenerationOutcome>().request.prompt, QStringLiteral("prompt 0"));
}

DS_REGISTER_UI_TEST(PanelsTest)
#include "test_panels.moc"
