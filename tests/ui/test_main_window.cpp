// Asserts the studio's first window offscreen, end to end: it opens with its menus and dock; the
// schedule plots hold T points per curve for every schedule (also after T changes); the explorer's
// slider changes the noised images and the readouts, which equal ds::NoiseSchedule; the noise is the
// same for every schedule and fixed by the seed; x_t is x0 at t=0 and noise at t=T−1; export writes a
// PNG; settings persist; pt_BR retranslates the menus; a screenshot lands in $DS_TEST_OUTPUT_DIR.
// To add a case: add a private slot below (QtTest runs them in order) that drives the window through
// the panels' public API or their child widgets' object names, and asserts what a user would see.
#include <qcustomplot.h>

#include <QCheckBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QTabWidget>
#include <QUrl>
#include <QtTest>
#include <cmath>
#include <memory>

#include "core/schedule/noise_schedule.h"
#include "ui/forward_explorer_panel.h"
#include "ui/language.h"
#include "ui/main_window.h"
#include "ui/schedule_plot_panel.h"
#include "tests/ui/ui_test_support.h"

using ds::ScheduleKind;
using ds::ui::SchedulePlotPanel;

namespace {

constexpr ScheduleKind kAllKinds[] = {ScheduleKind::Linear, ScheduleKind::Cosine, ScheduleKind::ScaledLinear};

QString outputDir() { return ds::test::uiTestOutputDir(); }

// Pixel values in [-1, 1], as the model sees them, channel by channel.
std::vector<double> signedPixels(const QImage& image) {
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    std::vector<double> v;
    v.reserve(static_cast<size_t>(rgb.width()) * rgb.height() * 3);
    for (int y = 0; y < rgb.height(); ++y) {
        const uchar* row = rgb.constScanLine(y);
        for (int i = 0; i < rgb.width() * 3; ++i) v.push_back(row[i] / 127.5 - 1.0);
    }
    return v;
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
    const size_t n = std::min(a.size(), b.size());
    double ma = 0, mb = 0;
    for (size_t i = 0; i < n; ++i) ma += a[i], mb += b[i];
    ma /= n, mb /= n;
    double sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; ++i) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / std::sqrt(saa * sbb);
}

ds::NoiseSchedule schedule(ScheduleKind kind, int T = 1000) {
    ds::ScheduleConfig config;
    config.kind = kind;
    config.timesteps = T;
    return ds::NoiseSchedule(config);
}

}  // namespace

class MainWindowTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void windowOpensOffscreen();
    void plotsHoldOnePointPerTimestep();
    void plotMarkerFollowsTheSlider();
    void sliderChangesImagesAndReadouts();
    void readoutsEqualTheSchedule();
    void seedFixesTheNoise();
    void everyScheduleSeesTheSameNoise();
    void tZeroKeepsTheImageAndTheLastStepIsNoise();
    void loadImageFile();
    void exportGridWritesAPng();
    void screenshot();
    void brazilianPortugueseRetranslatesTheWindow();
    void settingsPersist();

private:
    ds::ui::ForwardExplorerPanel* explorer() const { return m_window->explorer(); }
    QString readout(const char* quantity, ScheduleKind kind) const {
        const QString name = QStringLiteral("%1.%2").arg(
            QLatin1String(quantity), QString::fromStdString(ds::schedule_kind_name(kind)));
        const auto* label = explorer()->findChild<QLabel*>(name);
        return label ? label->text() : QString();
    }

    std::unique_ptr<ds::ui::MainWindow> m_window;
};

void MainWindowTest::initTestCase() {
    QCoreApplication::setOrganizationName(QStringLiteral("DiffusionStudio"));
    QCoreApplication::setApplicationName(QStringLiteral("diffusion-studio-tests"));
    // Keep the user's settings out of it: a fresh settings folder inside the output folder.
    const QString settingsDir = QDir(outputDir()).filePath(QStringLiteral("settings"));
    QDir(settingsDir).removeRecursively();
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir);
    QSettings().clear();
    QVERIFY2(ds::ui::setLanguage(QStringLiteral("en")), "the embedded English translation did not load");

    m_window = std::make_unique<ds::ui::MainWindow>();
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void MainWindowTest::cleanupTestCase() { m_window.reset(); }

void MainWindowTest::windowOpensOffscreen() {
    QVERIFY(m_window->isVisible());
    // The explorer is the second central tab, beside the generation result.
    QVERIFY(m_window->centralWidget()->isAncestorOf(explorer()));
    m_window->centralTabs()->setCurrentWidget(explorer());
    QVERIFY(m_window->scheduleDock()->isVisible());
    QCOMPARE(m_window->scheduleDock()->widget(), static_cast<QWidget*>(m_window->schedulePlot()));
    QCOMPARE(m_window->windowTitle(), QStringLiteral("untitled[*] — Diffusion Studio"));  // no project yet
    QCOMPARE(m_window->fileMenu()->title(), QStringLiteral("&File"));
    QStringList shortcuts;
    for (QAction* action : m_window->fileMenu()->actions()) shortcuts << action->shortcut().toString();
    QVERIFY2(shortcuts.contains(QStringLiteral("Ctrl+O")), qPrintable(shortcuts.join(QLatin1Char(','))));
    QVERIFY2(shortcuts.contains(QStringLiteral("Ctrl+Q")), qPrintable(shortcuts.join(QLatin1Char(','))));
    // View ▸ Noise schedules toggles the dock.
    QAction* toggle = m_window->scheduleDock()->toggleViewAction();
    QVERIFY(m_window->viewMenu()->actions().contains(toggle));
    toggle->trigger();
    QVERIFY(!m_window->scheduleDock()->isVisible());
    toggle->trigger();
    QVERIFY(m_window->scheduleDock()->isVisible());
    // It starts with a picture (the bundled sample or the drawn fallback), never an empty page.
    QVERIFY(!explorer()->sourceImage().isNull());
    QVERIFY(!explorer()->noisedImage(ScheduleKind::Linear).isNull());
    QVERIFY(!explorer()->noisedImage(ScheduleKind::Cosine).isNull());
}

void MainWindowTest::plotsHoldOnePointPerTimestep() {
    SchedulePlotPanel* panel = m_window->schedulePlot();
    const auto checkCounts = [panel](int T) {
        for (int q = 0; q < SchedulePlotPanel::kQuantityCount; ++q)
            for (ScheduleKind kind : kAllKinds)
                QCOMPARE(panel->pointCount(static_cast<SchedulePlotPanel::Quantity>(q), kind), T);
    };
    QCOMPARE(panel->timesteps(), 1000);
    checkCounts(1000);
    // The curves are the schedule's tables, not just the right number of points.
    const ds::NoiseSchedule cosine = schedule(ScheduleKind::Cosine);
    const QCPGraph* alphaBar = panel->graph(SchedulePlotPanel::Quantity::AlphaBar, ScheduleKind::Cosine);
    QCOMPARE(alphaBar->data()->at(500)->key, 500.0);
    QCOMPARE(alphaBar->data()->at(500)->value, cosine.alpha_bar(500));
    QVERIFY(panel->plot(SchedulePlotPanel::Quantity::Snr)->yAxis->scaleType() == QCPAxis::stLogarithmic);
    QVERIFY(panel->plot(SchedulePlotPanel::Quantity::Sigma)->yAxis->scaleType() == QCPAxis::stLogarithmic);

    // Changing T in the spin box, as a user would, re-plots and re-ranges the explorer's slider.
    auto* spin = panel->findChild<QSpinBox*>(QStringLiteral("timestepsSpin"));
    QVERIFY(spin);
    explorer()->setTimestep(500);
    spin->setValue(250);
    QCOMPARE(panel->timesteps(), 250);
    checkCounts(250);
    QCOMPARE(explorer()->timesteps(), 250);
    QCOMPARE(explorer()->findChild<QSlider*>(QStringLiteral("timestepSlider"))->maximum(), 249);
    QCOMPARE(explorer()->timestep(), 125);  // the same fraction of the schedule
    QCOMPARE(
        panel->graph(SchedulePlotPanel::Quantity::AlphaBar, ScheduleKind::Linear)->data()->at(100)->value,
        schedule(ScheduleKind::Linear, 250).alpha_bar(100));
    spin->setValue(1000);
    checkCounts(1000);
    QCOMPARE(explorer()->timesteps(), 1000);
}

void MainWindowTest::plotMarkerFollowsTheSlider() {
    auto* slider = explorer()->findChild<QSlider*>(QStringLiteral("timestepSlider"));
    slider->setValue(321);
    QCOMPARE(explorer()->timestep(), 321);
    QCOMPARE(m_window->schedulePlot()->marker(), 321);
    emit m_window->schedulePlot()->timestepPicked(42);  // a click in a plot
    QCOMPARE(explorer()->timestep(), 42);
    QCOMPARE(slider->value(), 42);
}

void MainWindowTest::sliderChangesImagesAndReadouts() {
    auto* slider = explorer()->findChild<QSlider*>(QStringLiteral("timestepSlider"));
    slider->setValue(100);
    const QImage linear100 = explorer()->noisedImage(ScheduleKind::Linear);
    const QImage cosine100 = explorer()->noisedImage(ScheduleKind::Cosine);
    const QString readout100 = readout("alphaBar", ScheduleKind::Linear);
    slider->setValue(600);
    QCOMPARE(explorer()->findChild<QSpinBox*>(QStringLiteral("timestepSpin"))->value(), 600);
    QVERIFY(explorer()->noisedImage(ScheduleKind::Linear) != linear100);
    QVERIFY(explorer()->noisedImage(ScheduleKind::Cosine) != cosine100);
    QVERIFY(readout("alphaBar", ScheduleKind::Linear) != readout100);
    QVERIFY(!readout("snr", ScheduleKind::Cosine).isEmpty());
    QCOMPARE(explorer()->noisedImage(ScheduleKind::Linear).size(), explorer()->sourceImage().size());
}

void MainWindowTest::readoutsEqualTheSchedule() {
    for (int t : {0, 250, 500, 999}) {
        explorer()->setTimestep(t);
        for (ScheduleKind kind : {ScheduleKind::Linear, ScheduleKind::Cosine}) {
            const ds::NoiseSchedule s = schedule(kind);
            bool ok = false;
            const double alphaBar = QLocale().toDouble(readout("alphaBar", kind), &ok);
            QVERIFY2(ok, qPrintable(readout("alphaBar", kind)));
            // Five significant digits are shown.
            QVERIFY2(
                std::abs(alphaBar - s.alpha_bar(t)) <= 1e-4 * s.alpha_bar(t),
                qPrintable(
                    QStringLiteral("t=%1: shown %2, schedule %3").arg(t).arg(alphaBar).arg(s.alpha_bar(t))));
            const double sigma = QLocale().toDouble(readout("sigma", kind), &ok);
            QVERIFY(ok);
            QVERIFY(std::abs(sigma - s.sigma(t)) <= 1e-4 * s.sigma(t));
        }
    }
}

void MainWindowTest::seedFixesTheNoise() {
    explorer()->setTimestep(400);
    explorer()->setSeed(7);
    const QImage first = explorer()->noisedImage(ScheduleKind::Linear);
    explorer()->setSeed(8);
    const QImage other = explorer()->noisedImage(ScheduleKind::Linear);
    explorer()->setSeed(7);
    const QImage again = explorer()->noisedImage(ScheduleKind::Linear);
    QVERIFY(!first.isNull());
    QCOMPARE(again, first);  // pixel for pixel
    QVERIFY(other != first);
    // Different noise, not a shifted copy of the same: the two draws are nearly uncorrelated
    // once the shared signal is taken out.
    const std::vector<double> x0 = signedPixels(explorer()->sourceImage());
    std::vector<double> a = signedPixels(first), b = signedPixels(other);
    const double k = schedule(ScheduleKind::Linear).sqrt_alpha_bar(400);
    for (size_t i = 0; i < x0.size(); ++i) a[i] -= k * x0[i], b[i] -= k * x0[i];
    QVERIFY(std::abs(correlation(a, b)) < 0.2);
}

void MainWindowTest::everyScheduleSeesTheSameNoise() {
    // ε recovered from each schedule's x_t (Ho et al. 2020, eq. 4) must be the same ε. Saturated
    // pixels (clamped to [-1, 1]) are left out; 8-bit rounding costs a little.
    const int t = 300;
    explorer()->setScaledLinearShown(true);
    explorer()->setTimestep(t);
    const std::vector<double> x0 = signedPixels(explorer()->sourceImage());
    std::vector<std::vector<double>> eps;
    for (ScheduleKind kind : kAllKinds) {
        const ds::NoiseSchedule s = schedule(kind);
        const std::vector<double> xt = signedPixels(explorer()->noisedImage(kind));
        QCOMPARE(xt.size(), x0.size());
        std::vector<double> e(xt.size(), std::nan(""));
        for (size_t i = 0; i < xt.size(); ++i)
            if (std::abs(xt[i]) < 0.99)
                e[i] = (xt[i] - s.sqrt_alpha_bar(t) * x0[i]) / s.sqrt_one_minus_alpha_bar(t);
        eps.push_back(std::move(e));
    }
    for (size_t k = 1; k < eps.size(); ++k) {
        std::vector<double> a, b;
        for (size_t i = 0; i < x0.size(); ++i)
            if (!std::isnan(eps[0][i]) && !std::isnan(eps[k][i]))
                a.push_back(eps[0][i]), b.push_back(eps[k][i]);
        QVERIFY(a.size() > x0.size() / 4);
        const double r = correlation(a, b);
        QVERIFY2(r > 0.98, qPrintable(QStringLiteral("schedule %1: correlation %2").arg(k).arg(r)));
    }
    explorer()->setScaledLinearShown(false);
    QVERIFY(explorer()->noisedImage(ScheduleKind::ScaledLinear).isNull());
}

void MainWindowTest::tZeroKeepsTheImageAndTheLastStepIsNoise() {
    const std::vector<double> x0 = signedPixels(explorer()->sourceImage());
    for (ScheduleKind kind : {ScheduleKind::Linear, ScheduleKind::Cosine}) {
        explorer()->setTimestep(0);
        const double start = correlation(x0, signedPixels(explorer()->noisedImage(kind)));
        explorer()->setTimestep(999);
        const double end = correlation(x0, signedPixels(explorer()->noisedImage(kind)));
        QVERIFY2(start > 0.98, qPrintable(QStringLiteral("t=0 correlation %1").arg(start)));
        QVERIFY2(std::abs(end) < 0.05, qPrintable(QStringLiteral("t=999 correlation %1").arg(end)));
    }
}

void MainWindowTest::loadImageFile() {
    const QDir dir(outputDir());
    QImage picture(600, 300, QImage::Format_RGB32);  // larger than the working size: scaled down
    for (int y = 0; y < picture.height(); ++y)
        for (int x = 0; x < picture.width(); ++x)
            picture.setPixel(x, y, qRgb(x * 255 / 600, y * 255 / 300, 128));
    const QString path = dir.filePath(QStringLiteral("gradient.png"));
    QVERIFY(picture.save(path));
    QVERIFY(explorer()->loadImageFile(path));
    QCOMPARE(explorer()->sourceName(), QStringLiteral("gradient.png"));
    QCOMPARE(explorer()->sourceImage().size(), QSize(256, 128));
    QCOMPARE(explorer()->noisedImage(ScheduleKind::Cosine).size(), QSize(256, 128));

    const QString notAnImage = dir.filePath(QStringLiteral("not-an-image.png"));
    QFile file(notAnImage);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("this is text");
    file.close();
    QString error;
    QVERIFY(!explorer()->loadImageFile(notAnImage, &error));
    QVERIFY2(error.contains(QStringLiteral("not-an-image.png")), qPrintable(error));
    QVERIFY(!error.contains(QLatin1Char('\n')));
    QVERIFY(!explorer()->loadImageFile(dir.filePath(QStringLiteral("missing.png")), &error));
    QCOMPARE(explorer()->sourceName(), QStringLiteral("gradient.png"));  // unchanged by the failures

    // Dropping a file from a file manager loads it too.
    QImage small(40, 30, QImage::Format_RGB32);
    small.fill(Qt::darkCyan);
    const QString dropped = dir.filePath(QStringLiteral("dropped.png"));
    QVERIFY(small.save(dropped));
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(dropped)});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(explorer(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(explorer(), &drop);
    QCOMPARE(explorer()->sourceName(), QStringLiteral("dropped.png"));
    QCOMPARE(explorer()->sourceImage().size(), QSize(40, 30));  // small pictures keep their size
    QCOMPARE(explorer()->noisedImage(ScheduleKind::Linear).size(), QSize(40, 30));
}

void MainWindowTest::exportGridWritesAPng() {
    explorer()->setTimestep(500);
    const QString path = QDir(outputDir()).filePath(QStringLiteral("forward-grid.png"));
    QFile::remove(path);
    QString error;
    QVERIFY2(explorer()->exportGrid(path, &error), qPrintable(error));
    const QImage two(path);
    QVERIFY(!two.isNull());
    QCOMPARE(two.size(), explorer()->gridImage().size());
    QVERIFY(two.width() > 3 * explorer()->sourceImage().width());  // original + two schedules
    explorer()->setScaledLinearShown(true);
    QVERIFY(explorer()->gridImage().width() > two.width());
    explorer()->setScaledLinearShown(false);

    const QString impossible = QDir(outputDir()).filePath(QStringLiteral("no-such-folder/grid.png"));
    QVERIFY(!explorer()->exportGrid(impossible, &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(!QFile::exists(impossible));
}

void MainWindowTest::screenshot() {
    const QString samplePath = QStringLiteral(DS_SOURCE_DIR "/resources/images/sample.png");
    if (QFile::exists(samplePath)) QVERIFY(explorer()->loadImageFile(samplePath));
    explorer()->setTimestep(250);
    QTest::qWait(100);  // queued plot replots and relayouts
    const QImage shot = m_window->grab().toImage();
    QVERIFY(!shot.isNull());
    const QString path = QDir(outputDir()).filePath(QStringLiteral("main_window.png"));
    QVERIFY(shot.save(path));
    qInfo("screenshot: %s", qPrintable(path));
    const QImage plotShot = m_window->schedulePlot()->grab().toImage();
    QVERIFY(plotShot.save(QDir(outputDir()).filePath(QStringLiteral("schedule_plots.png"))));
}

void MainWindowTest::brazilianPortugueseRetranslatesTheWindow() {
    QVERIFY(ds::ui::availableLanguages().contains(QStringLiteral("pt_BR")));
    explorer()->setTimestep(500);
    QVERIFY(ds::ui::setLanguage(QStringLiteral("pt_BR")));
    // LanguageChange is delivered as an event; relayout and plot replots follow as more events.
    QTRY_COMPARE(m_window->fileMenu()->title(), QStringLiteral("&Arquivo"));
    QTest::qWait(100);
    QCOMPARE(m_window->helpMenu()->title(), QStringLiteral("Aj&uda"));
    QCOMPARE(m_window->scheduleDock()->windowTitle(), QStringLiteral("Cronogramas de ruído"));
    QCOMPARE(m_window->schedulePlot()->graph(SchedulePlotPanel::Quantity::Snr, ScheduleKind::Cosine)->name(),
             QStringLiteral("Cosseno"));
    QVERIFY2(readout("alphaBar", ScheduleKind::Linear).contains(QLatin1Char(',')),
             qPrintable(readout("alphaBar", ScheduleKind::Linear)));  // Brazilian decimal comma
    m_window->grab().save(QDir(outputDir()).filePath(QStringLiteral("main_window_pt_BR.png")));

    QVERIFY(ds::ui::setLanguage(QStringLiteral("en")));
    QTRY_COMPARE(m_window->fileMenu()->title(), QStringLiteral("&File"));
    QString error;
    QVERIFY(!ds::ui::setLanguage(QStringLiteral("xx_YY"), &error));
    QVERIFY(error.contains(QStringLiteral("xx_YY")));
    QCOMPARE(ds::ui::currentLanguage(), QStringLiteral("en"));
}

void MainWindowTest::settingsPersist() {
    explorer()->setSeed(1234);
    m_window->schedulePlot()->setTimesteps(500);
    explorer()->setTimestep(77);
    m_window->close();  // writes the settings
    m_window = std::make_unique<ds::ui::MainWindow>();
    QCOMPARE(explorer()->seed(), quint64(1234));
    QCOMPARE(m_window->schedulePlot()->timesteps(), 500);
    QCOMPARE(explorer()->timesteps(), 500);
    QCOMPARE(explorer()->timestep(), 77);
}

DS_REGISTER_UI_TEST(MainWindowTest)
#include "test_main_window.moc"
