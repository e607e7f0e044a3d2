#include "ui/generation_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QRegularExpressionValidator>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include "core/pipeline/generation_metadata.h"
#include "ui/bridge/generation_engine.h"

namespace ds::ui {
namespace {

// The model combo's last item opens a file dialog; its data marks it.
const QString kOpenMarker = QStringLiteral("\x01open");

QPlainTextEdit* promptEdit(QWidget* parent, const char* name, int lines) {
    auto* edit = new QPlainTextEdit(parent);
    edit->setObjectName(QLatin1String(name));
    edit->setTabChangesFocus(true);
    const int height = edit->fontMetrics().lineSpacing() * lines + 12;
    edit->setMinimumHeight(height);
    edit->setMaximumHeight(height * 2);
    return edit;
}

QSpinBox* sideSpin(QWidget* parent, const char* name) {
    auto* spin = new QSpinBox(parent);
    spin->setObjectName(QLatin1String(name));
    spin->setRange(64, 4096);
    spin->setSingleStep(8);
    spin->setValue(64);
    return spin;
}

int roundToEight(int v) { return qBound(64, (v + 4) / 8 * 8, 4096); }

int modeIndex(GenerationMode mode) { return static_cast<int>(mode); }

QComboBox* dataCombo(QWidget* parent, const char* name, std::initializer_list<const char*> data) {
    auto* combo = new QComboBox(parent);
    combo->setObjectName(QLatin1String(name));
    for (const char* d : data) combo->addItem(QString(), QLatin1String(d));  // texts: retranslateUi
    return combo;
}

void selectData(QComboBox* combo, const QString& data) {
    const int index = combo->findData(data);
    if (index >= 0) combo->setCurrentIndex(index);
}

}  // namespace

GenerationPanel::GenerationPanel(QWidget* parent) : QWidget(parent) {
    m_modeLabel = new QLabel(this);
    m_mode = new QComboBox(this);
    m_mode->setObjectName(QStringLiteral("modeCombo"));
    for (GenerationMode mode : {GenerationMode::TextToImage, GenerationMode::ImageToImage, GenerationMode::Inpaint,
                                GenerationMode::Outpaint})
        m_mode->addItem(QString(), modeIndex(mode));
    m_modeLabel->setBuddy(m_mode);
    auto* modeRow = new QHBoxLayout;
    modeRow->addWidget(m_modeLabel);
    modeRow->addWidget(m_mode, 1);

    m_promptLabel = new QLabel(this);
    m_prompt = promptEdit(this, "promptEdit", 3);
    m_promptLabel->setBuddy(m_prompt);
    m_negativeLabel = new QLabel(this);
    m_negative = promptEdit(this, "negativeEdit", 2);
    m_negativeLabel->setBuddy(m_negative);

    m_model = new QComboBox(this);
    m_model->setObjectName(QStringLiteral("modelCombo"));
    m_model->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_model->setMinimumContentsLength(12);
    m_schedule = new QComboBox(this);
    m_schedule->setObjectName(QStringLiteral("scheduleCombo"));
    for (const QString& kind : GenerationEngine::builtinSchedules()) m_schedule->addItem(QString(), kind);
    m_sampler = new QComboBox(this);
    m_sampler->setObjectName(QStringLiteral("samplerCombo"));
    for (const QString& name : GenerationEngine::samplerNames())
        m_sampler->addItem(QString::fromStdString(ds::sampler_display_name(name.toStdString())), name);
    m_sampler->setCurrentIndex(qMax(0, m_sampler->findData(QStringLiteral("euler-a"))));
    m_karras = new QCheckBox(this);
    m_karras->setObjectName(QStringLiteral("karrasCheck"));
    m_steps = new QSpinBox(this);
    m_steps->setObjectName(QStringLiteral("stepsSpin"));
    m_steps->setRange(1, 1000);
    m_steps->setValue(20);
    m_cfg = new QDoubleSpinBox(this);
    m_cfg->setObjectName(QStringLiteral("cfgSpin"));
    m_cfg->setRange(0, 100);
    m_cfg->setDecimals(1);
    m_cfg->setSingleStep(0.5);
    m_cfg->setValue(7.5);

    m_seed = new QLineEdit(this);
    m_seed->setObjectName(QStringLiteral("seedEdit"));
    // At most 19 digits: every such number fits in 64 bits.
    m_seed->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("\\d{1,19}")), m_seed));
    m_seed->setText(QStringLiteral("0"));
    m_random = new QCheckBox(this);
    m_random->setObjectName(QStringLiteral("randomSeedCheck"));
    m_random->setChecked(true);
    m_reuse = new QToolButton(this);
    m_reuse->setObjectName(QStringLiteral("reuseSeedButton"));
    m_reuse->setEnabled(false);
    auto* seedRow = new QHBoxLayout;  // under the seed: the field keeps the whole width for 19 digits
    seedRow->addWidget(m_random);
    seedRow->addWidget(m_reuse);
    seedRow->addStretch(1);

    m_width = sideSpin(this, "widthSpin");
    m_height = sideSpin(this, "heightSpin");
    auto* sizeRow = new QHBoxLayout;
    sizeRow->addWidget(m_width, 1);
    sizeRow->addWidget(new QLabel(QStringLiteral("×"), this));
    sizeRow->addWidget(m_height, 1);
    m_sizeRow = sizeRow;

    // The canvas modes' settings (the feather radius and the outpaint margins are the canvas
    // toolbar's).
    m_strength = new QDoubleSpinBox(this);
    m_strength->setObjectName(QStringLiteral("strengthSpin"));
    m_strength->setRange(0.01, 1.0);
    m_strength->setDecimals(2);
    m_strength->setSingleStep(0.05);
    m_strength->setValue(m_modeStrength[modeIndex(GenerationMode::ImageToImage)]);
    m_inpaintMethod = dataCombo(this, "inpaintMethodCombo", {"auto", "unet", "blend"});
    m_onlyMasked = new QCheckBox(this);
    m_onlyMasked->setObjectName(QStringLiteral("onlyMaskedCheck"));
    m_maskPadding = new QSpinBox(this);
    m_maskPadding->setObjectName(QStringLiteral("maskPaddingSpin"));
    m_maskPadding->setRange(0, 1024);
    m_maskPadding->setSingleStep(8);
    m_maskPadding->setValue(GenerationRequest().maskPadding);
    m_maskPadding->setEnabled(false);
    m_outpaintFill = dataCombo(this, "outpaintFillCombo", {"stretch", "blur", "noise"});
    selectData(m_outpaintFill, GenerationRequest().outpaintFill);
    m_overlap = new QSpinBox(this);
    m_overlap->setObjectName(QStringLiteral("overlapSpin"));
    m_overlap->setRange(0, 512);
    m_overlap->setValue(GenerationRequest().overlap);

    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    for (QWidget* field :
         std::initializer_list<QWidget*>{m_model, m_schedule, m_sampler, m_karras, m_steps, m_cfg, m_seed})
        m_form->addRow(new QLabel(this), field);
    m_form->addRow(new QLabel(this), seedRow);
    m_form->addRow(new QLabel(this), sizeRow);
    for (QWidget* field : std::initializer_list<QWidget*>{m_strength, m_inpaintMethod, m_onlyMasked, m_maskPadding,
                                                          m_outpaintFill, m_overlap})
        m_form->addRow(new QLabel(this), field);
    for (int row = 0; row < m_form->rowCount(); ++row) {
        auto* label = qobject_cast<QLabel*>(m_form->itemAt(row, QFormLayout::LabelRole)->widget());
        QLayoutItem* field = m_form->itemAt(row, QFormLayout::FieldRole);
        if (label && field && field->widget()) label->setBuddy(field->widget());
    }
    // The size row is a layout: its label's mnemonic goes to the width (without a buddy a QLabel
    // shows the '&' literally).
    if (auto* label = qobject_cast<QLabel*>(m_form->labelForField(m_sizeRow))) label->setBuddy(m_width);

    m_generate = new QPushButton(this);
    m_generate->setObjectName(QStringLiteral("generateButton"));
    m_generate->setDefault(true);
    m_cancel = new QPushButton(this);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->setEnabled(false);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_generate, 2);
    buttons->addWidget(m_cancel, 1);
    m_queue = new QLabel(this);
    m_queue->setObjectName(QStringLiteral("queueLabel"));
    m_queue->hide();
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("messageLabel"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(modeRow);
    layout->addWidget(m_promptLabel);
    layout->addWidget(m_prompt);
    layout->addWidget(m_negativeLabel);
    layout->addWidget(m_negative);
    layout->addLayout(m_form);
    layout->addLayout(buttons);
    layout->addWidget(m_queue);
    layout->addWidget(m_message);
    layout->addStretch(1);

    rebuildModelCombo();
    retranslateUi();
    updateModeRows();

    connect(m_model, qOverload<int>(&QComboBox::activated), this, &GenerationPanel::modelChosen);
    connect(m_random, &QCheckBox::toggled, m_seed, [this](bool random) { m_seed->setReadOnly(random); });
    m_seed->setReadOnly(true);
    connect(m_reuse, &QToolButton::clicked, this, &GenerationPanel::reuseLastSeed);
    connect(m_generate, &QPushButton::clicked, this, &GenerationPanel::generateRequested);
    connect(m_cancel, &QPushButton::clicked, this, &GenerationPanel::cancelRequested);
    connect(m_mode, qOverload<int>(&QComboBox::currentIndexChanged), this, &GenerationPanel::modeChosen);
    connect(m_onlyMasked, &QCheckBox::toggled, m_maskPadding, &QWidget::setEnabled);
}

GenerationRequest GenerationPanel::request() const {
    GenerationRequest r;
    r.modelPath = m_modelPath;
    if (m_schedule->currentIndex() >= 0) r.builtinSchedule = m_schedule->currentData().toString();
    r.prompt = m_prompt->toPlainText();
    r.negativePrompt = m_negative->toPlainText();
    r.sampler = m_sampler->currentData().toString();
    r.karras = m_karras->isChecked();
    r.steps = m_steps->value();
    r.cfgScale = m_cfg->value();
    r.seed = m_seed->text().toULongLong();
    r.width = roundToEight(m_width->value());
    r.height = roundToEight(m_height->value());
    r.mode = m_currentMode;
    if (r.usesCanvas()) r.strength = m_strength->value();
    r.onlyMasked = m_onlyMasked->isChecked();
    r.maskPadding = m_maskPadding->value();
    r.inpaintMethod = m_inpaintMethod->currentData().toString();
    r.outpaintFill = m_outpaintFill->currentData().toString();
    r.overlap = m_overlap->value();
    return r;
}

GenerationRequest GenerationPanel::nextRequest() {
    GenerationRequest r = request();
    if (randomSeed()) {
        // Kept below 2^53 so that every tool (and JSON readers of the parameters) reads it exactly.
        r.seed = QRandomGenerator::global()->bounded(quint64(1) << 53);
        m_seed->setText(QString::number(r.seed));
    }
    m_lastSeed = r.seed;
    m_hasLastSeed = true;
    m_reuse->setEnabled(true);
    return r;
}

void GenerationPanel::setRequest(const GenerationRequest& r) {
    setModelPath(r.modelPath);
    const int schedule = m_schedule->findData(r.builtinSchedule);
    if (schedule >= 0) m_schedule->setCurrentIndex(schedule);
    m_prompt->setPlainText(r.prompt);
    m_negative->setPlainText(r.negativePrompt);
    const int sampler = m_sampler->findData(r.sampler);
    if (sampler >= 0) m_sampler->setCurrentIndex(sampler);
    m_karras->setChecked(r.karras);
    m_steps->setValue(r.steps);
    m_cfg->setValue(r.cfgScale);
    setRandomSeed(false);
    m_seed->setText(QString::number(r.seed));
    m_width->setValue(r.width);
    m_height->setValue(r.height);
    m_onlyMasked->setChecked(r.onlyMasked);
    m_maskPadding->setValue(r.maskPadding);
    selectData(m_inpaintMethod, r.inpaintMethod);
    selectData(m_outpaintFill, r.outpaintFill);
    m_overlap->setValue(r.overlap);
    // The request's strength becomes its mode's, before the mode switch (and modeChanged) shows it.
    if (r.usesCanvas()) {
        if (r.mode == m_currentMode)
            m_strength->setValue(r.strength);
        else
            m_modeStrength[modeIndex(r.mode)] = qBound(m_strength->minimum(), r.strength, m_strength->maximum());
    }
    setMode(r.mode);
}

GenerationMode GenerationPanel::mode() const { return m_currentMode; }

void GenerationPanel::setMode(GenerationMode mode) {
    const int index = m_mode->findData(modeIndex(mode));
    if (index >= 0) m_mode->setCurrentIndex(index);  // modeChosen does the rest
}

void GenerationPanel::modeChosen(int index) {
    if (index < 0) return;
    const auto mode = static_cast<GenerationMode>(m_mode->itemData(index).toInt());
    if (mode == m_currentMode) return;
    // One strength per mode: leaving a canvas mode keeps its value, entering one shows its own.
    if (m_currentMode != GenerationMode::TextToImage) m_modeStrength[modeIndex(m_currentMode)] = m_strength->value();
    m_currentMode = mode;
    if (mode != GenerationMode::TextToImage) m_strength->setValue(m_modeStrength[modeIndex(mode)]);
    updateModeRows();
    emit modeChanged(mode);
}

void GenerationPanel::updateModeRows() {
    const GenerationMode mode = m_currentMode;
    const bool canvas = mode != GenerationMode::TextToImage;
    const bool inpaint = mode == GenerationMode::Inpaint;
    const bool outpaint = mode == GenerationMode::Outpaint;
    m_form->setRowVisible(m_sizeRow, !canvas);  // the canvas sets the size
    m_form->setRowVisible(m_strength, canvas);
    m_form->setRowVisible(m_inpaintMethod, inpaint || outpaint);
    m_form->setRowVisible(m_onlyMasked, inpaint);
    m_form->setRowVisible(m_maskPadding, inpaint);
    m_form->setRowVisible(m_outpaintFill, outpaint);
    m_form->setRowVisible(m_overlap, outpaint);
}

bool GenerationPanel::randomSeed() const { return m_random->isChecked(); }

void GenerationPanel::setRandomSeed(bool random) { m_random->setChecked(random); }

void GenerationPanel::reuseLastSeed() {
    if (!m_hasLastSeed) return;
    setRandomSeed(false);
    m_seed->setText(QString::number(m_lastSeed));
}

QString GenerationPanel::modelPath() const { return m_modelPath; }

bool GenerationPanel::runsBuiltinModel() const {
    return m_modelPath.isEmpty() || GenerationEngine::isBuiltinModelFolder(m_modelPath);
}

void GenerationPanel::setModelPath(const QString& path) {
    const bool changed = path != m_modelPath;
    if (!path.isEmpty()) {
        const QString clean = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
        m_recent.removeAll(clean);
        m_recent.prepend(clean);
        while (m_recent.size() > kMaxRecentModels) m_recent.removeLast();
        m_modelPath = clean;
    } else {
        m_modelPath.clear();
    }
    rebuildModelCombo();
    // A checkpoint works at SD's 512 px, the built-in model at its 64 px: follow the model's size when
    // the model changes, leave a size the user typed otherwise.
    if (changed) {
        const int side = runsBuiltinModel() ? 64 : 512;
        m_width->setValue(side);
        m_height->setValue(side);
    }
}

void GenerationPanel::setRecentModels(const QStringList& paths) {
    m_recent.clear();
    for (const QString& p : paths)
        if (!p.isEmpty() && !m_recent.contains(p) && m_recent.size() < kMaxRecentModels) m_recent << p;
    rebuildModelCombo();
}

void GenerationPanel::rebuildModelCombo() {
    const QSignalBlocker blocker(m_model);
    m_model->clear();
    m_model->addItem(tr("Built-in emoji model"), QString());
    for (const QString& path : m_recent) {
        m_model->addItem(QFileInfo(path).fileName(), path);
        m_model->setItemData(m_model->count() - 1, QDir::toNativeSeparators(path), Qt::ToolTipRole);
    }
    m_model->insertSeparator(m_model->count());
    m_model->addItem(tr("Open…"), kOpenMarker);
    m_model->setCurrentIndex(qMax(0, m_model->findData(m_modelPath)));
    updateModelDependentRows();
}

void GenerationPanel::modelChosen(int index) {
    const QString data = m_model->itemData(index).toString();
    if (data == kOpenMarker) {
        // Back to the model in use until the dialog picks another one.
        m_model->setCurrentIndex(qMax(0, m_model->findData(m_modelPath)));
        emit openModelRequested();
        return;
    }
    setModelPath(data);
}

void GenerationPanel::updateModelDependentRows() {
    // The schedule choice picks one of the built-in model's UNets; a checkpoint has its own.
    m_form->setRowVisible(m_schedule, runsBuiltinModel() && m_schedule->count() > 0);
    m_schedule->setEnabled(m_schedule->count() > 1);
}

void GenerationPanel::setBusy(bool busy, int queued) {
    m_cancel->setEnabled(busy);
    m_queued = queued;
    m_queue->setVisible(queued > 0);
    m_queue->setText(tr("%n generation(s) queued", nullptr, queued));
}

void GenerationPanel::setMessage(const QString& text, bool error) {
    m_messageIsError = error;
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
    QPalette palette = m_message->palette();
    palette.setColor(QPalette::WindowText, error ? QColor(180, 0, 0) : this->palette().color(QPalette::WindowText));
    m_message->setPalette(palette);
}

QString GenerationPanel::message() const { return m_message->text(); }

void GenerationPanel::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

void GenerationPanel::retranslateUi() {
    m_promptLabel->setText(tr("&Prompt:"));
    m_prompt->setPlaceholderText(tr("What to draw, e.g. a red heart"));
    m_negativeLabel->setText(tr("&Negative prompt:"));
    m_negative->setPlaceholderText(tr("What to steer away from (optional)"));
    const auto setLabel = [this](QWidget* field, const QString& text) {
        if (auto* label = qobject_cast<QLabel*>(m_form->labelForField(field))) label->setText(text);
    };
    setLabel(m_model, tr("&Model:"));
    setLabel(m_schedule, tr("Sc&hedule:"));
    setLabel(m_sampler, tr("S&ampler:"));
    setLabel(m_steps, tr("S&teps:"));
    setLabel(m_cfg, tr("&CFG scale:"));
    setLabel(m_seed, tr("S&eed:"));
    if (auto* label = qobject_cast<QLabel*>(m_form->labelForField(m_sizeRow))) label->setText(tr("Si&ze:"));
    setLabel(m_strength, tr("&Strength:"));
    setLabel(m_inpaintMethod, tr("Meth&od:"));
    setLabel(m_maskPadding, tr("Padd&ing:"));
    setLabel(m_outpaintFill, tr("&Fill:"));
    setLabel(m_overlap, tr("O&verlap:"));

    m_modeLabel->setText(tr("Mo&de:"));
    m_mode->setToolTip(tr("What Generate does: a new image, or a change of the canvas's image"));
    const QString modeNames[] = {tr("Text to image"), tr("Image to image"), tr("Inpaint"), tr("Outpaint")};
    for (int i = 0; i < m_mode->count(); ++i) m_mode->setItemText(i, modeNames[m_mode->itemData(i).toInt()]);
    m_strength->setToolTip(tr("How much to change: 1 starts from pure noise, lower values keep more of the canvas"));
    const QString methodNames[] = {tr("Auto"), tr("Inpainting UNet"), tr("Latent blend")};
    for (int i = 0; i < m_inpaintMethod->count(); ++i) m_inpaintMethod->setItemText(i, methodNames[i]);
    m_inpaintMethod->setToolTip(tr("Auto uses the model's inpainting UNet when it has one, else latent blending"));
    m_onlyMasked->setText(tr("On&ly masked area"));
    m_onlyMasked->setToolTip(tr("Repaint only the mask's surroundings, at the model's resolution"));
    m_maskPadding->setSuffix(tr(" px", "pixels, after the image width and height"));
    m_maskPadding->setToolTip(tr("Context around the mask that the model sees with \"Only masked area\""));
    const QString fillNames[] = {tr("Stretch"), tr("Blur"), tr("Noise")};
    for (int i = 0; i < m_outpaintFill->count(); ++i) m_outpaintFill->setItemText(i, fillNames[i]);
    m_outpaintFill->setToolTip(tr("How the new area starts: its edge pixels stretched, blurred, or with noise added"));
    m_overlap->setSuffix(m_maskPadding->suffix());
    m_overlap->setToolTip(tr("Pixels of the original blended across the seam (0 keeps all of it)"));
    m_model->setToolTip(tr("The built-in model, a recently used Stable Diffusion checkpoint, or Open… for another"));
    m_model->setItemText(0, tr("Built-in emoji model"));
    m_model->setItemText(m_model->count() - 1, tr("Open…"));
    for (int i = 0; i < m_schedule->count(); ++i) {
        const QString kind = m_schedule->itemData(i).toString();
        m_schedule->setItemText(i, kind == QLatin1String("linear")   ? tr("Linear")
                                   : kind == QLatin1String("cosine") ? tr("Cosine")
                                                                     : kind);
    }
    m_schedule->setToolTip(tr("The noise schedule the built-in model's UNet was trained with"));
    m_width->setSuffix(tr(" px", "pixels, after the image width and height"));
    m_height->setSuffix(m_width->suffix());
    m_karras->setText(tr("&Karras sigmas"));
    m_karras->setToolTip(tr("Space the noise levels as Karras et al. (2022) do, where the sampler supports it"));
    m_cfg->setToolTip(tr("Classifier-free guidance: how strongly the prompt steers (1: no guidance)"));
    m_random->setText(tr("&Random"));
    m_random->setToolTip(tr("Draw a new seed for every generation"));
    m_reuse->setText(tr("Re&use last"));
    m_reuse->setToolTip(tr("Fix the seed to the one of the last generation"));
    m_generate->setText(tr("&Generate"));
    m_generate->setToolTip(tr("Generate an image (Ctrl+Return)"));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop the running generation (Esc)"));
    setBusy(m_cancel->isEnabled(), m_queued);
}

}  // namespace ds::ui
