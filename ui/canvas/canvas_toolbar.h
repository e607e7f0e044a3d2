#pragma once
// The canvas's tool bar, bound to a CanvasWidget and whatever document it shows: the tools (brush,
// eraser, rectangle, lasso, pan, outpaint frame), brush size and hardness, the mask's feather radius,
// Invert / Clear mask, the outpaint frame's four margins (kept in sync with the document both ways)
// and zoom to fit / 100 %. It holds no state of its own: every control mirrors the widget or document.
#include <QPointer>
#include <QToolBar>
#include <array>

#include "ui/canvas/canvas_widget.h"

class QAction;
class QActionGroup;
class QLabel;
class QSpinBox;

namespace ds::ui {

class CanvasToolBar : public QToolBar {
    Q_OBJECT

public:
    explicit CanvasToolBar(CanvasWidget* canvas, QWidget* parent = nullptr);

    CanvasWidget* canvas() const { return m_canvas; }
    QAction* toolAction(CanvasTool tool) const { return m_toolActions[size_t(tool)]; }
    QAction* invertAction() const { return m_invert; }
    QAction* clearAction() const { return m_clear; }
    QSpinBox* brushSizeBox() const { return m_size; }
    QSpinBox* hardnessBox() const { return m_hardness; }  // percent
    QSpinBox* featherBox() const { return m_feather; }
    QSpinBox* marginBox(Qt::Edge side) const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    void bindDocument(CanvasDocument* document);
    void showBrush(const CanvasBrush& brush);
    void showDocument();  // margins (values and ranges), feather, what is enabled
    void onMarginEdited(int index);

    CanvasWidget* m_canvas;
    QPointer<CanvasDocument> m_doc;
    QActionGroup* m_tools;
    std::array<QAction*, 6> m_toolActions{};
    QLabel* m_sizeLabel;
    QSpinBox* m_size;
    QLabel* m_hardnessLabel;
    QSpinBox* m_hardness;
    QLabel* m_featherLabel;
    QSpinBox* m_feather;
    QAction* m_invert;
    QAction* m_clear;
    QLabel* m_frameLabel;
    std::array<QLabel*, 4> m_marginLabels{};  // left, top, right, bottom
    std::array<QSpinBox*, 4> m_margins{};
    QAction* m_fit;
    QAction* m_actual;
};

}  // namespace ds::ui
