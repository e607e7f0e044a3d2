#include "ui/canvas/canvas_toolbar.h"

#include <QAction>
#include <QActionGroup>
#include <QEvent>
#include <QLabel>
#include <QSignalBlocker>
#include <QSpinBox>
#include <algorithm>

namespace ds::ui {
namespace {

constexpr std::array<CanvasTool, 6> kTools = {Brush, Eraser, Rectangle, Lasso, Pan, OutpaintFrame};

QSpinBox* newSpinBox(QWidget* parent, int max, const char* name) {
    auto* box = new QSpinBox(parent);
    box->setRange(0, max);
    box->setObjectName(QLatin1String(name));
    box->setAccelerated(true);
    return box;
}

}  // namespace

CanvasToolBar::CanvasToolBar(CanvasWidget* canvas, QWidget* parent) : QToolBar(parent), m_canvas(canvas) {
    setObjectName(QStringLiteral("canvasToolBar"));
    setToolButtonStyle(Qt::ToolButtonTextOnly);

    m_tools = new QActionGroup(this);
    m_tools->setExclusive(true);
    for (CanvasTool tool : kTools) {
        QAction* action = addAction(QString());
        action->setCheckable(true);
        action->setChecked(tool == canvas->tool());
        m_tools->addAction(action);
        m_toolActions[size_t(tool)] = action;
        connect(action, &QAction::triggered, this, [this, tool] { m_canvas->setTool(tool); });
    }
    connect(canvas, &CanvasWidget::toolChanged, this,
            [this](CanvasTool tool) { m_toolActions[size_t(tool)]->setChecked(true); });
    addSeparator();

    m_sizeLabel = new QLabel(this);
    m_size = newSpinBox(this, CanvasDocument::kMaxBrushSize, "canvasBrushSize");
    m_size->setMinimum(1);
    m_hardnessLabel = new QLabel(this);
    m_hardness = newSpinBox(this, 100, "canvasBrushHardness");
    m_sizeLabel->setBuddy(m_size);
    m_hardnessLabel->setBuddy(m_hardness);
    addWidget(m_sizeLabel);
    addWidget(m_size);
    addWidget(m_hardnessLabel);
    addWidget(m_hardness);
    auto brushEdited = [this] {
        CanvasBrush brush;
        brush.size = m_size->value();
        brush.hardness = m_hardness->value() / 100.0;
        m_canvas->setBrush(brush);
    };
    connect(m_size, qOverload<int>(&QSpinBox::valueChanged), this, brushEdited);
    connect(m_hardness, qOverload<int>(&QSpinBox::valueChanged), this, brushEdited);
    connect(canvas, &CanvasWidget::brushChanged, this, &CanvasToolBar::showBrush);
    addSeparator();

    m_featherLabel = new QLabel(this);
    m_feather = newSpinBox(this, CanvasDocument::kMaxFeather, "canvasFeather");
    m_featherLabel->setBuddy(m_feather);
    addWidget(m_featherLabel);
    addWidget(m_feather);
    connect(m_feather, qOverload<int>(&QSpinBox::valueChanged), this, [this](int radius) {
        if (m_doc) m_doc->setFeatherRadius(radius);
    });
    m_invert = addAction(QString(), this, [this] {
        if (m_doc) m_doc->invertMask();
    });
    m_clear = addAction(QString(), this, [this] {
        if (m_doc) m_doc->clearMask();
    });
    addSeparator();

    m_frameLabel = new QLabel(this);
    addWidget(m_frameLabel);
    const char* names[4] = {"outpaintLeft", "outpaintTop", "outpaintRight", "outpaintBottom"};
    for (int i = 0; i < 4; ++i) {
        m_marginLabels[size_t(i)] = new QLabel(this);
        m_margins[size_t(i)] = newSpinBox(this, CanvasDocument::kMaxSide, names[i]);
        m_margins[size_t(i)]->setSingleStep(8);
        m_marginLabels[size_t(i)]->setBuddy(m_margins[size_t(i)]);
        addWidget(m_marginLabels[size_t(i)]);
        addWidget(m_margins[size_t(i)]);
        connect(m_margins[size_t(i)], qOverload<int>(&QSpinBox::valueChanged), this,
                [this, i] { onMarginEdited(i); });
    }
    addSeparator();

    m_fit = addAction(QString(), canvas, &CanvasWidget::fitToWindow);
    m_actual = addAction(QString(), canvas, &CanvasWidget::actualSize);

    connect(canvas, &CanvasWidget::documentChanged, this, &CanvasToolBar::bindDocument);
    bindDocument(canvas->document());
    showBrush(canvas->brush());
    retranslate();
}

QSpinBox* CanvasToolBar::marginBox(Qt::Edge side) const {
    switch (side) {
        case Qt::LeftEdge:
            return m_margins[0];
        case Qt::TopEdge:
            return m_margins[1];
        case Qt::RightEdge:
            return m_margins[2];
        case Qt::BottomEdge:
            return m_margins[3];
    }
    return nullptr;
}

void CanvasToolBar::bindDocument(CanvasDocument* document) {
    if (m_doc) disconnect(m_doc.data(), nullptr, this, nullptr);
    m_doc = document;
    if (m_doc) {
        connect(m_doc.data(), &CanvasDocument::outpaintMarginsChanged, this, &CanvasToolBar::showDocument);
        connect(m_doc.data(), &CanvasDocument::featherRadiusChanged, this, &CanvasToolBar::showDocument);
        connect(m_doc.data(), &CanvasDocument::sizeChanged, this, &CanvasToolBar::showDocument);
    }
    showDocument();
}

void CanvasToolBar::showBrush(const CanvasBrush& brush) {
    const QSignalBlocker blockSize(m_size), blockHardness(m_hardness);
    m_size->setValue(brush.size);
    m_hardness->setValue(qRound(brush.hardness * 100));
}

void CanvasToolBar::showDocument() {
    const bool empty = !m_doc || m_doc->isEmpty();
    const QSize size = empty ? QSize() : m_doc->size();
    const QMargins m = empty ? QMargins() : m_doc->outpaintMargins();
    const int values[4] = {m.left(), m.top(), m.right(), m.bottom()};
    for (int i = 0; i < 4; ++i) {
        QSpinBox* box = m_margins[size_t(i)];
        const QSignalBlocker block(box);
        const int side = i % 2 == 0 ? size.width() : size.height();
        box->setMaximum(empty ? 0 : CanvasDocument::kMaxSide - side);
        box->setValue(values[i]);
        box->setEnabled(!empty);
    }
    {
        const QSignalBlocker block(m_feather);
        m_feather->setValue(m_doc ? m_doc->featherRadius() : 0);
    }
    m_feather->setEnabled(!m_doc.isNull());
    m_invert->setEnabled(!empty);
    m_clear->setEnabled(!empty);
}

void CanvasToolBar::onMarginEdited(int index) {
    if (!m_doc || m_doc->isEmpty()) return;
    QMargins m = m_doc->outpaintMargins();
    // The edited side takes only the room its opposite leaves, so the opposite side never changes.
    const QSize size = m_doc->size();
    const int room = CanvasDocument::kMaxSide - (index % 2 == 0 ? size.width() : size.height());
    const int value = m_margins[size_t(index)]->value();
    switch (index) {
        case 0:
            m.setLeft(std::min(value, room - m.right()));
            break;
        case 1:
            m.setTop(std::min(value, room - m.bottom()));
            break;
        case 2:
            m.setRight(std::min(value, room - m.left()));
            break;
        default:
            m.setBottom(std::min(value, room - m.top()));
            break;
    }
    m_doc->setOutpaintMargins(m);
    showDocument();  // shows the clamped value when the document did not change
}

void CanvasToolBar::retranslate() {
    setWindowTitle(tr("Canvas"));
    const QString texts[6] = {tr("Brush"), tr("Eraser"), tr("Rectangle"),
                              tr("Lasso"), tr("Pan"),    tr("Outpaint frame")};
    const QString tips[6] = {
        tr("Brush: paint the mask where the picture should change (B)"),
        tr("Eraser: remove the mask (E)"),
        tr("Rectangle: fill a rectangle of the mask; hold Alt to erase (R)"),
        tr("Lasso: fill a free-hand shape of the mask; hold Alt to erase (L)"),
        tr("Pan: drag the view (or hold Space, or drag with the middle button)"),
        tr("Outpaint frame: drag the canvas's sides or corners outwards to grow the picture"),
    };
    for (size_t i = 0; i < kTools.size(); ++i) {
        m_toolActions[i]->setText(texts[i]);
        m_toolActions[i]->setToolTip(tips[i]);
    }
    m_sizeLabel->setText(tr("&Size:"));
    m_size->setSuffix(tr(" px"));
    m_size->setToolTip(tr("Brush diameter in picture pixels ([ smaller, ] larger)"));
    m_hardnessLabel->setText(tr("&Hardness:"));
    m_hardness->setSuffix(tr(" %"));
    m_hardness->setToolTip(tr("How much of the brush's radius paints at full strength; the rest fades out"));
    m_featherLabel->setText(tr("&Feather:"));
    m_feather->setSuffix(tr(" px"));
    m_feather->setToolTip(
        tr("Blurs the mask's edge by this radius when generating, to blend the new pixels in"));
    m_invert->setText(tr("Invert mask"));
    m_invert->setToolTip(tr("Repaint everything except what is masked now"));
    m_clear->setText(tr("Clear mask"));
    m_clear->setToolTip(tr("Remove the whole mask"));
    m_frameLabel->setText(tr("Outpaint:"));
    const QString sides[4] = {tr("Left"), tr("Top"), tr("Right"), tr("Bottom")};
    for (size_t i = 0; i < 4; ++i) {
        m_marginLabels[i]->setText(sides[i]);
        m_margins[i]->setSuffix(tr(" px"));
        m_margins[i]->setToolTip(tr("Pixels to add on this side when outpainting"));
    }
    m_fit->setText(tr("Fit"));
    m_fit->setToolTip(tr("Zoom to show the whole canvas"));
    m_actual->setText(tr("100%"));
    m_actual->setToolTip(tr("Zoom to the picture's actual size"));
}

void CanvasToolBar::changeEvent(QEvent* event) {
    QToolBar::changeEvent(event);
    if (event->type() == QEvent::LanguageChange) retranslate();
}

}  // namespace ds::ui
