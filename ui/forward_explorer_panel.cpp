#include "ui/forward_explorer_panel.h"

#include <QCheckBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QMimeData>
#include <QPainter>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QUrl>
#include <QVBoxLayout>
#include <climits>

#include "ui/bridge/forward_bridge.h"
#include "ui/bridge/image_bridge.h"
#include "ui/image_view.h"
#include "ui/sample_image.h"
#include "ui/schedule_style.h"

namespace ds::ui {
namespace {

enum Readout { AlphaBar, SqrtAlphaBar, Snr, Sigma, ReadoutCount };
const char* const kReadoutKeys[ReadoutCount] = {"alphaBar", "sqrtAlphaBar", "snr", "sigma"};

ds::NoiseSchedule makeSchedule(ds::ScheduleKind kind, int T) {
    ds::ScheduleConfig config;
    config.kind = kind;
    config.timesteps = T;
    return ds::NoiseSchedule(config);
}

QString formatReadout(double value) {
    QLocale locale;  // the interface language's (ds::ui::setLanguage makes it the default)
    locale.setNumberOptions(QLocale::OmitGroupSeparator);  // "1.234,5" would read as two numbers
    return locale.toString(value, 'g', 5);
}

bool isImageFile(const QString& path) {
    const QByteArray suffix = QFileInfo(path).suffix().toLower().toLatin1();
    return QImageReader::supportedImageFormats().contains(suffix);
}

QString firstDroppedImage(const QMimeData* mime) {
    if (!mime || !mime->hasUrls()) return {};
    for (const QUrl& url : mime->urls())
        if (url.isLocalFile() && isImageFile(url.toLocalFile())) return url.toLocalFile();
    return {};
}

}  // namespace

ForwardExplorerPanel::ForwardExplorerPanel(QWidget* parent) : QWidget(parent) {
    setAcceptDrops(true);
    m_lastDirectory = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    m_columns.reserve(kStudioSchedules.size());  // widgets keep pointers into the columns
    for (ds::ScheduleKind kind : kStudioSchedules)
        m_columns.push_back(Column{kind, makeSchedule(kind, m_timesteps)});

    auto* images = new QHBoxLayout;
    images->addWidget(buildSourceColumn(), 1);
    for (Column& c : m_columns) images->addWidget(buildColumn(c), 1);

    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(QStringLiteral("errorLabel"));
    m_errorLabel->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_errorLabel->setWordWrap(true);
    m_errorLabel->hide();

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(buildControls());
    layout->addLayout(images, 1);
    layout->addWidget(m_errorLabel);

    retranslateUi();
    setScaledLinearShown(false);

    const QString samplePath = findSampleImagePath();
    if (samplePath.isEmpty() || !loadImageFile(samplePath))
        setSourceImage(proceduralSampleImage(kWorkingSide), tr("built-in sample"));
}

QWidget* ForwardExplorerPanel::buildControls() {
    auto* box = new QWidget(this);
    m_openButton = new QPushButton(box);
    m_openButton->setObjectName(QStringLiteral("openButton"));
    m_exportButton = new QPushButton(box);
    m_exportButton->setObjectName(QStringLiteral("exportButton"));
    m_seedLabel = new QLabel(box);
    m_seedSpin = new QSpinBox(box);
    m_seedSpin->setObjectName(QStringLiteral("seedSpin"));
    m_seedSpin->setRange(0, INT_MAX);
    m_seedSpin->setKeyboardTracking(false);
    m_seedLabel->setBuddy(m_seedSpin);
    m_newSeedButton = new QPushButton(box);
    m_newSeedButton->setObjectName(QStringLiteral("newSeedButton"));
    m_scaledLinearCheck = new QCheckBox(box);
    m_scaledLinearCheck->setObjectName(QStringLiteral("scaledLinearCheck"));

    m_timestepLabel = new QLabel(box);
    m_slider = new QSlider(Qt::Horizontal, box);
    m_slider->setObjectName(QStringLiteral("timestepSlider"));
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_timestepSpin = new QSpinBox(box);
    m_timestepSpin->setObjectName(QStringLiteral("timestepSpin"));
    m_timestepLabel->setBuddy(m_slider);
    m_rangeLabel = new QLabel(box);
    setTimesteps(m_timesteps);  // ranges and ticks

    auto* top = new QHBoxLayout;
    top->addWidget(m_openButton);
    top->addWidget(m_exportButton);
    top->addSpacing(16);
    top->addWidget(m_seedLabel);
    top->addWidget(m_seedSpin);
    top->addWidget(m_newSeedButton);
    top->addSpacing(16);
    top->addWidget(m_scaledLinearCheck);
    top->addStretch(1);

    auto* slider = new QHBoxLayout;
    slider->addWidget(m_timestepLabel);
    slider->addWidget(m_slider, 1);
    slider->addWidget(m_timestepSpin);
    slider->addWidget(m_rangeLabel);

    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addLayout(slider);

    connect(m_openButton, &QPushButton::clicked, this, &ForwardExplorerPanel::openImageDialog);
    connect(m_exportButton, &QPushButton::clicked, this, &ForwardExplorerPanel::exportGridDialog);
    connect(m_seedSpin, qOverload<int>(&QSpinBox::valueChanged), this, [this] { refreshImages(); });
    connect(m_newSeedButton, &QPushButton::clicked, this,
            [this] { m_seedSpin->setValue(static_cast<int>(QRandomGenerator::global()->bounded(INT_MAX))); });
    connect(m_scaledLinearCheck, &QCheckBox::toggled, this, &ForwardExplorerPanel::setScaledLinearShown);
    connect(m_slider, &QSlider::valueChanged, this, &ForwardExplorerPanel::setTimestep);
    connect(m_timestepSpin, qOverload<int>(&QSpinBox::valueChanged), this,
            &ForwardExplorerPanel::setTimestep);
    return box;
}

QWidget* ForwardExplorerPanel::buildSourceColumn() {
    m_sourceBox = new QGroupBox(this);
    m_sourceView = new ImageView(m_sourceBox);
    m_sourceView->setObjectName(QStringLiteral("sourceView"));
    m_sourceInfo = new QLabel(m_sourceBox);
    m_sourceInfo->setObjectName(QStringLiteral("sourceInfo"));
    m_sourceInfo->setWordWrap(true);
    m_sourceInfo->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    auto* layout = new QVBoxLayout(m_sourceBox);
    layout->addSpacing(3);  // lines up with the colour bars of the schedule columns
    layout->addWidget(m_sourceView);
    layout->addWidget(m_sourceInfo);
    layout->addStretch(1);
    return m_sourceBox;
}

QWidget* ForwardExplorerPanel::buildColumn(Column& column) {
    const QString key = scheduleKey(column.kind);
    column.box = new QGroupBox(this);
    column.box->setObjectName(QStringLiteral("column.") + key);
    auto* bar = new QFrame(column.box);  // the schedule's colour, as in the plots
    bar->setFixedHeight(3);
    bar->setStyleSheet(
        QStringLiteral("background: %1; border: none;").arg(scheduleColor(column.kind).name()));
    column.view = new ImageView(column.box);
    column.view->setObjectName(QStringLiteral("noisedView.") + key);

    auto* readouts = new QGridLayout;
    readouts->setColumnStretch(1, 1);
    for (int r = 0; r < ReadoutCount; ++r) {
        column.names[r] = new QLabel(column.box);
        column.values[r] = new QLabel(column.box);
        column.values[r]->setObjectName(QStringLiteral("%1.%2").arg(QLatin1String(kReadoutKeys[r]), key));
        column.values[r]->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        column.values[r]->setTextInteractionFlags(Qt::TextSelectableByMouse);
        readouts->addWidget(column.names[r], r, 0);
        readouts->addWidget(column.values[r], r, 1);
    }
    auto* layout = new QVBoxLayout(column.box);
    layout->addWidget(bar);
    layout->addWidget(column.view);
    layout->addLayout(readouts);
    layout->addStretch(1);
    return column.box;
}

const ForwardExplorerPanel::Column* ForwardExplorerPanel::column(ds::ScheduleKind kind) const {
    for (const Column& c : m_columns)
        if (c.kind == kind) return &c;
    return nullptr;
}

quint64 ForwardExplorerPanel::seed() const { return static_cast<quint64>(m_seedSpin->value()); }

bool ForwardExplorerPanel::isScheduleShown(ds::ScheduleKind kind) const {
    const Column* c = column(kind);
    return c && !c->box->isHidden();
}

QImage ForwardExplorerPanel::noisedImage(ds::ScheduleKind kind) const {
    const Column* c = column(kind);
    return c && !c->box->isHidden() ? c->view->image() : QImage();
}

void ForwardExplorerPanel::setTimestep(int t) {
    t = qBound(0, t, m_timesteps - 1);
    const bool changed = t != m_timestep;
    m_timestep = t;
    {
        const QSignalBlocker a(m_slider), b(m_timestepSpin);
        m_slider->setValue(t);
        m_timestepSpin->setValue(t);
    }
    if (!changed) return;
    refreshImages();
    refreshReadouts();
    emit timestepChanged(t);
}

void ForwardExplorerPanel::setTimesteps(int T) {
    T = qBound(2, T, ds::kMaxTrainTimesteps);
    const int oldLast = qMax(1, m_timesteps - 1);
    const int t = qRound(double(m_timestep) * (T - 1) / oldLast);
    if (T != m_timesteps) {
        m_timesteps = T;
        for (Column& c : m_columns) c.schedule = makeSchedule(c.kind, T);
    }
    {
        const QSignalBlocker a(m_slider), b(m_timestepSpin);
        m_slider->setRange(0, T - 1);
        m_slider->setPageStep(qMax(1, T / 20));
        m_slider->setTickInterval(qMax(1, T / 10));
        m_timestepSpin->setRange(0, T - 1);
    }
    if (m_rangeLabel) m_rangeLabel->setText(tr("of %1").arg(T - 1));
    m_timestep = -1;  // force the refresh: ᾱ_t changed even if t did not
    setTimestep(t);
}

void ForwardExplorerPanel::setSeed(quint64 seed) {
    m_seedSpin->setValue(static_cast<int>(qMin<quint64>(seed, INT_MAX)));
}

void ForwardExplorerPanel::setScaledLinearShown(bool shown) {
    for (Column& c : m_columns)
        if (c.kind == ds::ScheduleKind::ScaledLinear) c.box->setVisible(shown);
    {
        const QSignalBlocker blocker(m_scaledLinearCheck);
        m_scaledLinearCheck->setChecked(shown);
    }
    refreshImages();
}

void ForwardExplorerPanel::setSourceImage(const QImage& image, const QString& name) {
    if (image.isNull()) return;
    m_originalSize = image.size();
    QImage working = image;
    if (working.width() > kWorkingSide || working.height() > kWorkingSide)
        working = working.scaled(kWorkingSide, kWorkingSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    m_source = toQImage(fromQImage(working));  // RGB, transparency over white: exactly what gets noised
    m_sourceName = name;
    m_sourceView->setImage(m_source);
    refreshSourceInfo();
    refreshImages();
}

bool ForwardExplorerPanel::loadImageFile(const QString& path, QString* error) {
    QImageReader reader(path);
    reader.setAutoTransform(true);  // honour EXIF orientation
    const QSize size = reader.size();
    if (size.isValid() && (size.width() > ds::kMaxImageSide || size.height() > ds::kMaxImageSide)) {
        if (error)
            *error = tr("%1 is %2 × %3 pixels; the largest accepted side is %4.")
                         .arg(QFileInfo(path).fileName())
                         .arg(size.width())
                         .arg(size.height())
                         .arg(ds::kMaxImageSide);
        return false;
    }
    const QImage image = reader.read();
    if (image.isNull()) {
        if (error) *error = tr("Cannot open %1: %2").arg(QFileInfo(path).fileName(), reader.errorString());
        return false;
    }
    m_lastDirectory = QFileInfo(path).absolutePath();
    setSourceImage(image, QFileInfo(path).fileName());
    emit statusMessage(tr("Loaded %1").arg(QFileInfo(path).fileName()));
    return true;
}

void ForwardExplorerPanel::openImageDialog() {
    QStringList patterns;
    for (const QByteArray& format : QImageReader::supportedImageFormats())
        patterns << QStringLiteral("*.") + QString::fromLatin1(format);
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open image"), m_lastDirectory,
                                     tr("Images (%1);;All files (*)").arg(patterns.join(QLatin1Char(' '))));
    if (path.isEmpty()) return;
    QString error;
    if (!loadImageFile(path, &error)) QMessageBox::warning(this, tr("Open image"), error);
}

QImage ForwardExplorerPanel::gridImage() const {
    struct Cell {
        QImage image;
        QString title;
        QString detail;
        QColor color;
    };
    std::vector<Cell> cells;
    cells.push_back({m_source, tr("Original x₀"), m_sourceName, QColor(Qt::darkGray)});
    for (const Column& c : m_columns) {
        if (c.box->isHidden() || c.view->image().isNull()) continue;
        cells.push_back(
            {c.view->image(), scheduleDisplayName(c.kind),
             tr("t = %1, ᾱ = %2").arg(m_timestep).arg(formatReadout(c.schedule.alpha_bar(m_timestep))),
             scheduleColor(c.kind)});
    }
    if (m_source.isNull()) return {};

    QFont titleFont = font();
    titleFont.setBold(true);
    const QFontMetrics titleMetrics(titleFont), detailMetrics(font());
    const int margin = 12, gap = 12, bar = 3;
    const int cellWidth = m_source.width(), cellHeight = m_source.height();
    const int captionHeight = titleMetrics.height() + detailMetrics.height() + bar + 6;
    const int footerHeight = detailMetrics.height() + 8;
    const int count = static_cast<int>(cells.size());
    QImage grid(2 * margin + count * cellWidth + (count - 1) * gap,
                2 * margin + captionHeight + cellHeight + footerHeight, QImage::Format_RGB888);
    grid.fill(Qt::white);
    QPainter painter(&grid);
    painter.setRenderHint(QPainter::TextAntialiasing);
    for (int i = 0; i < count; ++i) {
        const int x = margin + i * (cellWidth + gap);
        const QRect titleRect(x, margin, cellWidth, titleMetrics.height());
        const QRect detailRect(x, titleRect.bottom() + 1, cellWidth, detailMetrics.height());
        painter.setPen(Qt::black);
        painter.setFont(titleFont);
        painter.drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter,
                         titleMetrics.elidedText(cells[i].title, Qt::ElideRight, cellWidth));
        painter.setFont(font());
        painter.setPen(QColor(70, 70, 70));
        painter.drawText(detailRect, Qt::AlignLeft | Qt::AlignVCenter,
                         detailMetrics.elidedText(cells[i].detail, Qt::ElideMiddle, cellWidth));
        painter.fillRect(QRect(x, detailRect.bottom() + 3, cellWidth, bar), cells[i].color);
        const QImage& image = cells[i].image;
        painter.drawImage(QPoint(x + (cellWidth - image.width()) / 2, margin + captionHeight), image);
    }
    painter.setPen(QColor(110, 110, 110));
    painter.drawText(QRect(margin, grid.height() - margin - detailMetrics.height(), grid.width() - 2 * margin,
                           detailMetrics.height()),
                     Qt::AlignLeft | Qt::AlignVCenter,
                     tr("Forward process q(xₜ | x₀), same noise for every schedule: seed %1, T = %2")
                         .arg(seed())
                         .arg(m_timesteps));
    return grid;
}

bool ForwardExplorerPanel::exportGrid(const QString& path, QString* error) const {
    const QImage grid = gridImage();
    if (grid.isNull()) {
        if (error) *error = tr("There is nothing to export yet.");
        return false;
    }
    QSaveFile file(path);  // written to a temporary file and renamed: never a half-written PNG
    if (!file.open(QIODevice::WriteOnly)) {
        if (error) *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    if (!grid.save(&file, "PNG")) {
        file.cancelWriting();
        if (error) *error = tr("Cannot encode the grid as PNG for %1.").arg(path);
        return false;
    }
    if (!file.commit()) {
        if (error) *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void ForwardExplorerPanel::exportGridDialog() {
    const QString suggested =
        QStringLiteral("%1/forward-t%2-seed%3.png").arg(m_lastDirectory).arg(m_timestep).arg(seed());
    QString path = QFileDialog::getSaveFileName(this, tr("Export grid"), suggested, tr("PNG images (*.png)"));
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".png");
    QString error;
    if (!exportGrid(path, &error)) {
        QMessageBox::warning(this, tr("Export grid"), error);
        return;
    }
    m_lastDirectory = QFileInfo(path).absolutePath();
    emit statusMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)));
}

void ForwardExplorerPanel::refreshImages() {
    QStringList errors;
    for (Column& c : m_columns) {
        if (c.box->isHidden() || m_source.isNull()) continue;
        QString error;
        const QImage noised = ds::ui::noisedImage(m_source, c.kind, m_timestep, m_timesteps, seed(), &error);
        c.view->setImage(noised);
        if (noised.isNull()) errors << QStringLiteral("%1: %2").arg(scheduleDisplayName(c.kind), error);
    }
    m_errorLabel->setText(errors.join(QLatin1Char('\n')));
    m_errorLabel->setVisible(!errors.isEmpty());
}

void ForwardExplorerPanel::refreshReadouts() {
    for (Column& c : m_columns) {
        const int t = qBound(0, m_timestep, c.schedule.size() - 1);
        const double values[ReadoutCount] = {c.schedule.alpha_bar(t), c.schedule.sqrt_alpha_bar(t),
                                             c.schedule.snr(t), c.schedule.sigma(t)};
        for (int r = 0; r < ReadoutCount; ++r) c.values[r]->setText(formatReadout(values[r]));
    }
}

void ForwardExplorerPanel::refreshSourceInfo() {
    if (m_source.isNull()) return;
    QString info = tr("%1\n%2 × %3 px").arg(m_sourceName).arg(m_source.width()).arg(m_source.height());
    if (m_originalSize != m_source.size())
        info += QLatin1Char('\n') +
                tr("scaled down from %1 × %2").arg(m_originalSize.width()).arg(m_originalSize.height());
    m_sourceInfo->setText(info);
}

void ForwardExplorerPanel::dragEnterEvent(QDragEnterEvent* event) {
    if (!firstDroppedImage(event->mimeData()).isEmpty() || event->mimeData()->hasImage())
        event->acceptProposedAction();
}

void ForwardExplorerPanel::dropEvent(QDropEvent* event) {
    const QMimeData* mime = event->mimeData();
    const QString path = firstDroppedImage(mime);
    QString error;
    if (!path.isEmpty()) {
        if (!loadImageFile(path, &error)) QMessageBox::warning(this, tr("Open image"), error);
    } else if (mime->hasImage()) {
        setSourceImage(qvariant_cast<QImage>(mime->imageData()), tr("dropped image"));
    } else {
        return;
    }
    event->acceptProposedAction();
}

void ForwardExplorerPanel::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

void ForwardExplorerPanel::retranslateUi() {
    m_openButton->setText(tr("&Open image…"));
    m_openButton->setToolTip(tr("Choose the picture x₀ to noise (you can also drop one here)"));
    m_exportButton->setText(tr("&Export grid…"));
    m_exportButton->setToolTip(tr("Save the row shown below as a PNG"));
    m_seedLabel->setText(tr("See&d:"));
    m_seedSpin->setToolTip(tr("Seed of the noise ε; every schedule uses the same ε"));
    m_newSeedButton->setText(tr("&New seed"));
    m_scaledLinearCheck->setText(tr("Show scaled &linear"));
    m_scaledLinearCheck->setToolTip(tr("Add the Stable Diffusion schedule as a third column"));
    m_timestepLabel->setText(tr("&Timestep t:"));
    m_rangeLabel->setText(tr("of %1").arg(m_timesteps - 1));
    m_sourceBox->setTitle(tr("Original x₀"));
    m_sourceView->setPlaceholderText(tr("Open or drop an image"));
    const QString names[ReadoutCount] = {QStringLiteral("ᾱₜ"), QStringLiteral("√ᾱₜ"), tr("SNR"),
                                         QStringLiteral("σₜ")};
    const QString tips[ReadoutCount] = {
        tr("Fraction of the signal's variance left at t"), tr("Factor on x₀ in xₜ = √ᾱₜ x₀ + √(1 − ᾱₜ) ε"),
        tr("Signal-to-noise ratio ᾱₜ / (1 − ᾱₜ)"), tr("Noise scale √((1 − ᾱₜ) / ᾱₜ), as in x₀ + σ ε")};
    for (Column& c : m_columns) {
        c.box->setTitle(scheduleDisplayName(c.kind));
        for (int r = 0; r < ReadoutCount; ++r) {
            c.names[r]->setText(names[r]);
            c.names[r]->setToolTip(tips[r]);
        }
    }
    refreshSourceInfo();
    refreshReadouts();  // the number format follows the language
}

}  // namespace ds::ui
