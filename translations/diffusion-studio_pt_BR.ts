<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="pt_BR">
<context>
    <name>ScheduleStyle</name>
    <message>
        <source>Linear</source>
        <translation>Linear</translation>
    </message>
    <message>
        <source>Cosine</source>
        <translation>Cosseno</translation>
    </message>
    <message>
        <source>Scaled linear</source>
        <translation>Linear escalonado</translation>
    </message>
</context>
<context>
    <name>ds::ui::CanvasDocument</name>
    <message>
        <source>Generation</source>
        <translation>Geração</translation>
    </message>
    <message>
        <source>Eraser stroke</source>
        <translation>Traço de borracha</translation>
    </message>
    <message>
        <source>Brush stroke</source>
        <translation>Traço de pincel</translation>
    </message>
    <message>
        <source>Erase rectangle</source>
        <translation>Apagar retângulo</translation>
    </message>
    <message>
        <source>Fill rectangle</source>
        <translation>Preencher retângulo</translation>
    </message>
    <message>
        <source>Erase lasso</source>
        <translation>Apagar laço</translation>
    </message>
    <message>
        <source>Fill lasso</source>
        <translation>Preencher laço</translation>
    </message>
    <message>
        <source>Invert mask</source>
        <translation>Inverter máscara</translation>
    </message>
    <message>
        <source>Clear mask</source>
        <translation>Limpar máscara</translation>
    </message>
</context>
<context>
    <name>ds::ui::CanvasToolBar</name>
    <message>
        <source>Canvas</source>
        <translation>Tela</translation>
    </message>
    <message>
        <source>Brush</source>
        <translation>Pincel</translation>
    </message>
    <message>
        <source>Eraser</source>
        <translation>Borracha</translation>
    </message>
    <message>
        <source>Rectangle</source>
        <translation>Retângulo</translation>
    </message>
    <message>
        <source>Lasso</source>
        <translation>Laço</translation>
    </message>
    <message>
        <source>Pan</source>
        <translation>Mover</translation>
    </message>
    <message>
        <source>Outpaint frame</source>
        <translation>Moldura de outpaint</translation>
    </message>
    <message>
        <source>Brush: paint the mask where the picture should change (B)</source>
        <translation>Pincel: pinte a máscara onde a imagem deve mudar (B)</translation>
    </message>
    <message>
        <source>Eraser: remove the mask (E)</source>
        <translation>Borracha: remove a máscara (E)</translation>
    </message>
    <message>
        <source>Rectangle: fill a rectangle of the mask; hold Alt to erase (R)</source>
        <translation>Retângulo: preenche um retângulo da máscara; segure Alt para apagar (R)</translation>
    </message>
    <message>
        <source>Lasso: fill a free-hand shape of the mask; hold Alt to erase (L)</source>
        <translation>Laço: preenche uma forma à mão livre da máscara; segure Alt para apagar (L)</translation>
    </message>
    <message>
        <source>Pan: drag the view (or hold Space, or drag with the middle button)</source>
        <translation>Mover: arraste a vista (ou segure Espaço, ou arraste com o botão do meio)</translation>
    </message>
    <message>
        <source>Outpaint frame: drag the canvas&apos;s sides or corners outwards to grow the picture</source>
        <translation>Moldura de outpaint: arraste os lados ou cantos da tela para fora para aumentar a imagem</translation>
    </message>
    <message>
        <source>&amp;Size:</source>
        <translation>&amp;Tamanho:</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Brush diameter in picture pixels ([ smaller, ] larger)</source>
        <translation>Diâmetro do pincel em pixels da imagem ([ menor, ] maior)</translation>
    </message>
    <message>
        <source>&amp;Hardness:</source>
        <translation>&amp;Dureza:</translation>
    </message>
    <message>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <source>How much of the brush&apos;s radius paints at full strength; the rest fades out</source>
        <translation>Quanto do raio do pincel pinta com força total; o resto esmaece</translation>
    </message>
    <message>
        <source>&amp;Feather:</source>
        <translation>&amp;Suavização:</translation>
    </message>
    <message>
        <source>Blurs the mask&apos;s edge by this radius when generating, to blend the new pixels in</source>
        <translation>Desfoca a borda da máscara com este raio ao gerar, para misturar os novos pixels</translation>
    </message>
    <message>
        <source>Invert mask</source>
        <translation>Inverter máscara</translation>
    </message>
    <message>
        <source>Repaint everything except what is masked now</source>
        <translation>Repintar tudo exceto o que está mascarado agora</translation>
    </message>
    <message>
        <source>Clear mask</source>
        <translation>Limpar máscara</translation>
    </message>
    <message>
        <source>Remove the whole mask</source>
        <translation>Remover a máscara inteira</translation>
    </message>
    <message>
        <source>Outpaint:</source>
        <translation>Outpaint:</translation>
    </message>
    <message>
        <source>Left</source>
        <translation>Esquerda</translation>
    </message>
    <message>
        <source>Top</source>
        <translation>Topo</translation>
    </message>
    <message>
        <source>Right</source>
        <translation>Direita</translation>
    </message>
    <message>
        <source>Bottom</source>
        <translation>Base</translation>
    </message>
    <message>
        <source>Pixels to add on this side when outpainting</source>
        <translation>Pixels a acrescentar deste lado no outpaint</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Ajustar</translation>
    </message>
    <message>
        <source>Zoom to show the whole canvas</source>
        <translation>Zoom para mostrar a tela inteira</translation>
    </message>
    <message>
        <source>100%</source>
        <translation>100%</translation>
    </message>
    <message>
        <source>Zoom to the picture&apos;s actual size</source>
        <translation>Zoom para o tamanho real da imagem</translation>
    </message>
</context>
<context>
    <name>ds::ui::CanvasWidget</name>
    <message>
        <source>Open an image or generate one, then paint where it should change.</source>
        <translation>Abra uma imagem ou gere uma, depois pinte onde ela deve mudar.</translation>
    </message>
</context>
<context>
    <name>ds::ui::ForwardExplorerPanel</name>
    <message>
        <source>built-in sample</source>
        <translation>amostra embutida</translation>
    </message>
    <message>
        <source>of %1</source>
        <translation>de %1</translation>
    </message>
    <message>
        <source>%1 is %2 × %3 pixels; the largest accepted side is %4.</source>
        <translation>%1 tem %2 × %3 pixels; o maior lado aceito é %4.</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>Não foi possível abrir %1: %2</translation>
    </message>
    <message>
        <source>Loaded %1</source>
        <translation>%1 carregada</translation>
    </message>
    <message>
        <source>Open image</source>
        <translation>Abrir imagem</translation>
    </message>
    <message>
        <source>Images (%1);;All files (*)</source>
        <translation>Imagens (%1);;Todos os arquivos (*)</translation>
    </message>
    <message>
        <source>Original x₀</source>
        <translation>Original x₀</translation>
    </message>
    <message>
        <source>t = %1, ᾱ = %2</source>
        <translation>t = %1, ᾱ = %2</translation>
    </message>
    <message>
        <source>Forward process q(xₜ | x₀), same noise for every schedule: seed %1, T = %2</source>
        <translation>Processo direto q(xₜ | x₀), o mesmo ruído para todos os cronogramas: semente %1, T = %2</translation>
    </message>
    <message>
        <source>There is nothing to export yet.</source>
        <translation>Ainda não há nada para exportar.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Não foi possível gravar %1: %2</translation>
    </message>
    <message>
        <source>Cannot encode the grid as PNG for %1.</source>
        <translation>Não foi possível codificar a grade como PNG para %1.</translation>
    </message>
    <message>
        <source>Export grid</source>
        <translation>Exportar grade</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>Imagens PNG (*.png)</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1 salvo</translation>
    </message>
    <message>
        <source>%1
%2 × %3 px</source>
        <translation>%1
%2 × %3 px</translation>
    </message>
    <message>
        <source>scaled down from %1 × %2</source>
        <translation>reduzida de %1 × %2</translation>
    </message>
    <message>
        <source>dropped image</source>
        <translation>imagem arrastada</translation>
    </message>
    <message>
        <source>&amp;Open image…</source>
        <translation>Abrir &amp;imagem…</translation>
    </message>
    <message>
        <source>Choose the picture x₀ to noise (you can also drop one here)</source>
        <translation>Escolha a imagem x₀ a receber ruído (você também pode arrastá-la para cá)</translation>
    </message>
    <message>
        <source>&amp;Export grid…</source>
        <translation>&amp;Exportar grade…</translation>
    </message>
    <message>
        <source>Save the row shown below as a PNG</source>
        <translation>Salvar a linha mostrada abaixo como PNG</translation>
    </message>
    <message>
        <source>Seed of the noise ε; every schedule uses the same ε</source>
        <translation>Semente do ruído ε; todos os cronogramas usam o mesmo ε</translation>
    </message>
    <message>
        <source>&amp;New seed</source>
        <translation>&amp;Nova semente</translation>
    </message>
    <message>
        <source>Add the Stable Diffusion schedule as a third column</source>
        <translation>Adicionar o cronograma do Stable Diffusion como terceira coluna</translation>
    </message>
    <message>
        <source>&amp;Timestep t:</source>
        <translation>Passo de &amp;tempo t:</translation>
    </message>
    <message>
        <source>Open or drop an image</source>
        <translation>Abra ou arraste uma imagem</translation>
    </message>
    <message>
        <source>SNR</source>
        <translation>SNR</translation>
    </message>
    <message>
        <source>Fraction of the signal&apos;s variance left at t</source>
        <translation>Fração da variância do sinal que resta em t</translation>
    </message>
    <message>
        <source>Factor on x₀ in xₜ = √ᾱₜ x₀ + √(1 − ᾱₜ) ε</source>
        <translation>Fator de x₀ em xₜ = √ᾱₜ x₀ + √(1 − ᾱₜ) ε</translation>
    </message>
    <message>
        <source>Signal-to-noise ratio ᾱₜ / (1 − ᾱₜ)</source>
        <translation>Razão sinal-ruído ᾱₜ / (1 − ᾱₜ)</translation>
    </message>
    <message>
        <source>Noise scale √((1 − ᾱₜ) / ᾱₜ), as in x₀ + σ ε</source>
        <translation>Escala do ruído √((1 − ᾱₜ) / ᾱₜ), como em x₀ + σ ε</translation>
    </message>
    <message>
        <source>See&amp;d:</source>
        <translation>Se&amp;mente:</translation>
    </message>
    <message>
        <source>Show scaled &amp;linear</source>
        <translation>Mostrar &amp;linear escalonado</translation>
    </message>
</context>
<context>
    <name>ds::ui::GenerationPanel</name>
    <message>
        <source>Built-in emoji model</source>
        <translation>Modelo de emoji embutido</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>Abrir…</translation>
    </message>
    <message numerus="yes">
        <source>%n generation(s) queued</source>
        <translation>
            <numerusform>%n geração na fila</numerusform>
            <numerusform>%n gerações na fila</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Prompt:</source>
        <translation>&amp;Prompt:</translation>
    </message>
    <message>
        <source>What to draw, e.g. a red heart</source>
        <translation>O que desenhar, por exemplo um coração vermelho</translation>
    </message>
    <message>
        <source>&amp;Negative prompt:</source>
        <translation>Prompt &amp;negativo:</translation>
    </message>
    <message>
        <source>What to steer away from (optional)</source>
        <translation>Do que se afastar (opcional)</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>&amp;Modelo:</translation>
    </message>
    <message>
        <source>Sc&amp;hedule:</source>
        <translation>Cron&amp;ograma:</translation>
    </message>
    <message>
        <source>S&amp;ampler:</source>
        <translation>Amostra&amp;dor:</translation>
    </message>
    <message>
        <source>S&amp;teps:</source>
        <translation>Pa&amp;ssos:</translation>
    </message>
    <message>
        <source>&amp;CFG scale:</source>
        <translation>Escala &amp;CFG:</translation>
    </message>
    <message>
        <source>S&amp;eed:</source>
        <translation>S&amp;emente:</translation>
    </message>
    <message>
        <source>Si&amp;ze:</source>
        <translation>&amp;Tamanho:</translation>
    </message>
    <message>
        <source>The built-in model, a recently used Stable Diffusion checkpoint, or Open… for another</source>
        <translation>O modelo embutido, um checkpoint Stable Diffusion usado recentemente, ou Abrir… para outro</translation>
    </message>
    <message>
        <source>Linear</source>
        <translation>Linear</translation>
    </message>
    <message>
        <source>Cosine</source>
        <translation>Cosseno</translation>
    </message>
    <message>
        <source>The noise schedule the built-in model&apos;s UNet was trained with</source>
        <translation>O cronograma de ruído com que a UNet do modelo embutido foi treinada</translation>
    </message>
    <message>
        <source> px</source>
        <comment>pixels, after the image width and height</comment>
        <translation> px</translation>
    </message>
    <message>
        <source>&amp;Karras sigmas</source>
        <translation>Sigmas de &amp;Karras</translation>
    </message>
    <message>
        <source>Space the noise levels as Karras et al. (2022) do, where the sampler supports it</source>
        <translation>Espaça os níveis de ruído como Karras et al. (2022), onde o amostrador permite</translation>
    </message>
    <message>
        <source>Classifier-free guidance: how strongly the prompt steers (1: no guidance)</source>
        <translation>Orientação sem classificador: quanto o prompt conduz a imagem (1: sem orientação)</translation>
    </message>
    <message>
        <source>&amp;Random</source>
        <translation>&amp;Aleatória</translation>
    </message>
    <message>
        <source>Draw a new seed for every generation</source>
        <translation>Sorteia uma nova semente a cada geração</translation>
    </message>
    <message>
        <source>Re&amp;use last</source>
        <translation>Re&amp;usar a última</translation>
    </message>
    <message>
        <source>Fix the seed to the one of the last generation</source>
        <translation>Fixa a semente na da última geração</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>&amp;Gerar</translation>
    </message>
    <message>
        <source>Generate an image (Ctrl+Return)</source>
        <translation>Gera uma imagem (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Stop the running generation (Esc)</source>
        <translation>Interrompe a geração em andamento (Esc)</translation>
    </message>
    <message>
        <source>&amp;Strength:</source>
        <translation>&amp;Intensidade:</translation>
    </message>
    <message>
        <source>Meth&amp;od:</source>
        <translation>Mét&amp;odo:</translation>
    </message>
    <message>
        <source>Padd&amp;ing:</source>
        <translation>Marg&amp;em:</translation>
    </message>
    <message>
        <source>&amp;Fill:</source>
        <translation>&amp;Preenchimento:</translation>
    </message>
    <message>
        <source>O&amp;verlap:</source>
        <translation>Sobre&amp;posição:</translation>
    </message>
    <message>
        <source>Mo&amp;de:</source>
        <translation>Mo&amp;do:</translation>
    </message>
    <message>
        <source>What Generate does: a new image, or a change of the canvas&apos;s image</source>
        <translation>O que Gerar faz: uma imagem nova, ou uma mudança na imagem da tela</translation>
    </message>
    <message>
        <source>Text to image</source>
        <translation>Texto para imagem</translation>
    </message>
    <message>
        <source>Image to image</source>
        <translation>Imagem para imagem</translation>
    </message>
    <message>
        <source>Inpaint</source>
        <translation>Inpaint</translation>
    </message>
    <message>
        <source>Outpaint</source>
        <translation>Outpaint</translation>
    </message>
    <message>
        <source>How much to change: 1 starts from pure noise, lower values keep more of the canvas</source>
        <translation>Quanto mudar: 1 parte de ruído puro, valores menores mantêm mais da tela</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>Automático</translation>
    </message>
    <message>
        <source>Inpainting UNet</source>
        <translation>UNet de inpainting</translation>
    </message>
    <message>
        <source>Latent blend</source>
        <translation>Mistura latente</translation>
    </message>
    <message>
        <source>Auto uses the model&apos;s inpainting UNet when it has one, else latent blending</source>
        <translation>Automático usa a UNet de inpainting do modelo quando ele tem uma, senão mistura latente</translation>
    </message>
    <message>
        <source>On&amp;ly masked area</source>
        <translation>Só a área masca&amp;rada</translation>
    </message>
    <message>
        <source>Repaint only the mask&apos;s surroundings, at the model&apos;s resolution</source>
        <translation>Repintar só os arredores da máscara, na resolução do modelo</translation>
    </message>
    <message>
        <source>Context around the mask that the model sees with &quot;Only masked area&quot;</source>
        <translation>Contexto em volta da máscara que o modelo vê com &quot;Só a área mascarada&quot;</translation>
    </message>
    <message>
        <source>Stretch</source>
        <translation>Esticar</translation>
    </message>
    <message>
        <source>Blur</source>
        <translation>Desfocar</translation>
    </message>
    <message>
        <source>Noise</source>
        <translation>Ruído</translation>
    </message>
    <message>
        <source>How the new area starts: its edge pixels stretched, blurred, or with noise added</source>
        <translation>Como a área nova começa: pixels da borda esticados, desfocados, ou com ruído</translation>
    </message>
    <message>
        <source>Pixels of the original blended across the seam (0 keeps all of it)</source>
        <translation>Pixels do original misturados na emenda (0 mantém tudo)</translation>
    </message>
</context>
<context>
    <name>ds::ui::MainWindow</name>
    <message>
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <source>Export schedule plot</source>
        <translation>Exportar gráfico dos cronogramas</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>Imagens PNG (*.png)</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Não foi possível gravar %1: %2</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1 salvo</translation>
    </message>
    <message>
        <source>About Diffusion Studio</source>
        <translation>Sobre o Diffusion Studio</translation>
    </message>
    <message>
        <source>Noise schedules</source>
        <translation>Cronogramas de ruído</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Arquivo</translation>
    </message>
    <message>
        <source>Choose the picture to noise</source>
        <translation>Escolher a imagem que receberá ruído</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>&amp;Exportar…</translation>
    </message>
    <message>
        <source>Save the visible row of noised images as a PNG</source>
        <translation>Salvar a linha visível de imagens com ruído como PNG</translation>
    </message>
    <message>
        <source>Export schedule &amp;plot…</source>
        <translation>Exportar &amp;gráfico dos cronogramas…</translation>
    </message>
    <message>
        <source>Save the noise schedule plots as a PNG</source>
        <translation>Salvar os gráficos dos cronogramas de ruído como PNG</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Sair</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>E&amp;xibir</translation>
    </message>
    <message>
        <source>&amp;Noise schedules</source>
        <translation>&amp;Cronogramas de ruído</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Idioma</translation>
    </message>
    <message>
        <source>&amp;System default</source>
        <translation>Padrão do &amp;sistema</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Aj&amp;uda</translation>
    </message>
    <message>
        <source>&amp;About Diffusion Studio</source>
        <translation>&amp;Sobre o Diffusion Studio</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Sobre o &amp;Qt</translation>
    </message>
    <message>
        <source>Model %1 ready</source>
        <translation>Modelo %1 pronto</translation>
    </message>
    <message numerus="yes">
        <source>Queued: starts when the running generation ends (%n waiting)</source>
        <translation>
            <numerusform>Na fila: começa quando a geração em andamento terminar (%n esperando)</numerusform>
            <numerusform>Na fila: começa quando a geração em andamento terminar (%n esperando)</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Cancelando…</translation>
    </message>
    <message numerus="yes">
        <source>Cancelled; %n queued generation(s) dropped</source>
        <translation>
            <numerusform>Cancelada; %n geração da fila descartada</numerusform>
            <numerusform>Cancelada; %n gerações da fila descartadas</numerusform>
        </translation>
    </message>
    <message>
        <source>Loading the built-in model…</source>
        <translation>Carregando o modelo embutido…</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Carregando %1…</translation>
    </message>
    <message>
        <source>Step %1/%2</source>
        <translation>Passo %1/%2</translation>
    </message>
    <message>
        <source>Sampling…</source>
        <translation>Amostrando…</translation>
    </message>
    <message>
        <source>%1 it/s · %2 left</source>
        <translation>%1 it/s · faltam %2</translation>
    </message>
    <message>
        <source>Done in %1 s</source>
        <translation>Concluído em %1 s</translation>
    </message>
    <message>
        <source>Generated %1×%2 with %3, seed %4</source>
        <translation>Gerada %1×%2 com %3, semente %4</translation>
    </message>
    <message>
        <source>Could not load the model: %1</source>
        <translation>Não foi possível carregar o modelo: %1</translation>
    </message>
    <message>
        <source>These settings cannot be used: %1</source>
        <translation>Estas configurações não podem ser usadas: %1</translation>
    </message>
    <message>
        <source>The generation diverged: %1</source>
        <translation>A geração divergiu: %1</translation>
    </message>
    <message>
        <source>Out of memory (%1). Try a smaller size or another device.</source>
        <translation>Memória insuficiente (%1). Tente um tamanho menor ou outro dispositivo.</translation>
    </message>
    <message>
        <source>Generation failed: %1</source>
        <translation>A geração falhou: %1</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Falhou</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelada</translation>
    </message>
    <message>
        <source>There is no image to save yet: generate one first</source>
        <translation>Ainda não há imagem para salvar: gere uma primeiro</translation>
    </message>
    <message>
        <source>Cannot save %1: %2</source>
        <translation>Não foi possível salvar %1: %2</translation>
    </message>
    <message>
        <source>Save image</source>
        <translation>Salvar imagem</translation>
    </message>
    <message>
        <source>Open model</source>
        <translation>Abrir modelo</translation>
    </message>
    <message>
        <source>Stable Diffusion models (*.safetensors model_index.json);;All files (*)</source>
        <translation>Modelos Stable Diffusion (*.safetensors model_index.json);;Todos os arquivos (*)</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Diffusion Studio %1&lt;/h3&gt;&lt;p&gt;A desktop studio for diffusion models. It generates images from text with the built-in model or a Stable Diffusion checkpoint, showing every step of the reverse process, and explores the forward process q(xₜ | x₀) of DDPM (Ho et al. 2020) under the linear, cosine (Nichol &amp;amp; Dhariwal 2021) and scaled-linear noise schedules.&lt;/p&gt;&lt;p&gt;Built with Qt %2, QCustomPlot and libtorch.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Diffusion Studio %1&lt;/h3&gt;&lt;p&gt;Um estúdio de desktop para modelos de difusão. Gera imagens a partir de texto com o modelo embutido ou um checkpoint Stable Diffusion, mostrando cada passo do processo reverso, e explora o processo direto q(xₜ | x₀) do DDPM (Ho et al. 2020) com os cronogramas de ruído linear, cosseno (Nichol &amp;amp; Dhariwal 2021) e linear escalonado.&lt;/p&gt;&lt;p&gt;Feito com Qt %2, QCustomPlot e libtorch.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>Geração</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Passos</translation>
    </message>
    <message>
        <source>Noise level</source>
        <translation>Nível de ruído</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Histórico</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Resultado</translation>
    </message>
    <message>
        <source>Forward diffusion</source>
        <translation>Difusão direta</translation>
    </message>
    <message>
        <source>Open &amp;model…</source>
        <translation>Abrir &amp;modelo…</translation>
    </message>
    <message>
        <source>Open a Stable Diffusion checkpoint (.safetensors) or diffusers folder</source>
        <translation>Abre um checkpoint Stable Diffusion (.safetensors) ou uma pasta diffusers</translation>
    </message>
    <message>
        <source>&amp;Save image…</source>
        <translation>&amp;Salvar imagem…</translation>
    </message>
    <message>
        <source>Save the result as a PNG with its generation parameters</source>
        <translation>Salva o resultado como PNG com os parâmetros da geração</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Editar</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Preferências…</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>&amp;Gerar</translation>
    </message>
    <message>
        <source>Generate an image from the prompt</source>
        <translation>Gera uma imagem a partir do prompt</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>&amp;Cancelar</translation>
    </message>
    <message>
        <source>Stop the running generation and drop the queued ones</source>
        <translation>Interrompe a geração em andamento e descarta as da fila</translation>
    </message>
    <message>
        <source>&amp;Restore default layout</source>
        <translation>&amp;Restaurar o layout padrão</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>&amp;Aproximar</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>A&amp;fastar</translation>
    </message>
    <message>
        <source>&amp;Fit to window</source>
        <translation>&amp;Ajustar à janela</translation>
    </message>
    <message>
        <source>&amp;Actual size</source>
        <translation>&amp;Tamanho real</translation>
    </message>
    <message>
        <source>&amp;Generation</source>
        <translation>&amp;Geração</translation>
    </message>
    <message>
        <source>S&amp;teps</source>
        <translation>&amp;Passos</translation>
    </message>
    <message>
        <source>Noise &amp;level</source>
        <translation>Nível de &amp;ruído</translation>
    </message>
    <message>
        <source>&amp;History</source>
        <translation>&amp;Histórico</translation>
    </message>
    <message>
        <source>&amp;Open image in the explorer…</source>
        <translation>&amp;Abrir imagem no explorador…</translation>
    </message>
    <message>
        <source>the result</source>
        <translation>o resultado</translation>
    </message>
    <message>
        <source>Bury the &amp;result in noise…</source>
        <translation>Enterrar o &amp;resultado no ruído…</translation>
    </message>
    <message>
        <source>Show the forward process on the current result in the explorer</source>
        <translation>Mostra o processo direto sobre o resultado atual no explorador</translation>
    </message>
    <message>
        <source>Autosave failed: %1</source>
        <translation>O salvamento automático falhou: %1</translation>
    </message>
    <message>
        <source>PNG images (*.png);;TIFF images, 16 bits (*.tif *.tiff);;OpenEXR images, half float (*.exr);;JPEG images (*.jpg *.jpeg)</source>
        <translation>Imagens PNG (*.png);;Imagens TIFF, 16 bits (*.tif *.tiff);;Imagens OpenEXR, meia precisão (*.exr);;Imagens JPEG (*.jpg *.jpeg)</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Alterações não salvas</translation>
    </message>
    <message>
        <source>Save the changes to this project before closing?</source>
        <translation>Salvar as alterações deste projeto antes de fechar?</translation>
    </message>
    <message>
        <source>Canvas</source>
        <translation>Tela</translation>
    </message>
    <message>
        <source>&amp;New project</source>
        <translation>&amp;Novo projeto</translation>
    </message>
    <message>
        <source>Start over with an empty canvas and history</source>
        <translation>Recomeçar com tela e histórico vazios</translation>
    </message>
    <message>
        <source>Open p&amp;roject…</source>
        <translation>Abrir p&amp;rojeto…</translation>
    </message>
    <message>
        <source>Open a Diffusion Studio project (.dsproj)</source>
        <translation>Abrir um projeto do Diffusion Studio (.dsproj)</translation>
    </message>
    <message>
        <source>&amp;Save project</source>
        <translation>&amp;Salvar projeto</translation>
    </message>
    <message>
        <source>Save the canvas, mask, settings and history in one project file</source>
        <translation>Salvar tela, máscara, configurações e histórico em um arquivo de projeto</translation>
    </message>
    <message>
        <source>Save project &amp;as…</source>
        <translation>Salvar projeto &amp;como…</translation>
    </message>
    <message>
        <source>Open image on the &amp;canvas…</source>
        <translation>Abrir imagem na &amp;tela…</translation>
    </message>
    <message>
        <source>Put a picture on the canvas to paint a mask on it</source>
        <translation>Pôr uma imagem na tela para pintar uma máscara nela</translation>
    </message>
    <message>
        <source>E&amp;xport canvas…</source>
        <translation>E&amp;xportar tela…</translation>
    </message>
    <message>
        <source>Write the canvas picture as PNG, TIFF, EXR or JPEG</source>
        <translation>Gravar a imagem da tela como PNG, TIFF, EXR ou JPEG</translation>
    </message>
    <message>
        <source>Use the result as the &amp;canvas</source>
        <translation>Usar o resultado como &amp;tela</translation>
    </message>
    <message>
        <source>Put the current result on the canvas to inpaint or outpaint it</source>
        <translation>Pôr o resultado atual na tela para fazer inpaint ou outpaint</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Desfazer</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Refazer</translation>
    </message>
    <message>
        <source>The canvas is empty: open an image on it or use a result as the canvas first.</source>
        <translation>A tela está vazia: abra uma imagem nela ou use um resultado como tela primeiro.</translation>
    </message>
    <message>
        <source>Paint the area to repaint on the canvas first (B: brush).</source>
        <translation>Pinte primeiro na tela a área a repintar (B: pincel).</translation>
    </message>
    <message>
        <source>Drag the outpaint frame past the border, or set how far to extend in the canvas tool bar.</source>
        <translation>Arraste a moldura de outpaint para além da borda, ou defina quanto estender na barra de ferramentas da tela.</translation>
    </message>
    <message>
        <source>The canvas changed during the generation: the result is in the history.</source>
        <translation>A tela mudou durante a geração: o resultado está no histórico.</translation>
    </message>
    <message>
        <source>Image to image</source>
        <translation>Imagem para imagem</translation>
    </message>
    <message>
        <source>Inpaint</source>
        <translation>Inpaint</translation>
    </message>
    <message>
        <source>Outpaint</source>
        <translation>Outpaint</translation>
    </message>
    <message>
        <source>Result to canvas</source>
        <translation>Resultado para a tela</translation>
    </message>
    <message>
        <source>New project</source>
        <translation>Novo projeto</translation>
    </message>
    <message>
        <source>Discard the unsaved changes of this project?</source>
        <translation>Descartar as alterações não salvas deste projeto?</translation>
    </message>
    <message>
        <source>Open project</source>
        <translation>Abrir projeto</translation>
    </message>
    <message>
        <source>Diffusion Studio projects (*.dsproj)</source>
        <translation>Projetos do Diffusion Studio (*.dsproj)</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>%1 aberto</translation>
    </message>
    <message>
        <source>Save project</source>
        <translation>Salvar projeto</translation>
    </message>
    <message>
        <source>untitled</source>
        <translation>sem título</translation>
    </message>
    <message>
        <source>Save project as</source>
        <translation>Salvar projeto como</translation>
    </message>
    <message>
        <source>%1[*] — Diffusion Studio</source>
        <translation>%1[*] — Diffusion Studio</translation>
    </message>
    <message>
        <source>%1 is %2×%3: the canvas takes at most %4 px a side</source>
        <translation>%1 tem %2×%3: a tela aceita no máximo %4 px por lado</translation>
    </message>
    <message>
        <source>Open image</source>
        <translation>Abrir imagem</translation>
    </message>
    <message>
        <source>%1 cannot be put on the canvas</source>
        <translation>%1 não pode ser posta na tela</translation>
    </message>
    <message>
        <source>Open image on the canvas</source>
        <translation>Abrir imagem na tela</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.tif *.tiff *.exr *.webp *.bmp *.tga);;All files (*)</source>
        <translation>Imagens (*.png *.jpg *.jpeg *.tif *.tiff *.exr *.webp *.bmp *.tga);;Todos os arquivos (*)</translation>
    </message>
    <message>
        <source>The canvas is empty: there is nothing to export</source>
        <translation>A tela está vazia: não há nada para exportar</translation>
    </message>
    <message>
        <source>Cannot export %1: %2</source>
        <translation>Não foi possível exportar %1: %2</translation>
    </message>
    <message>
        <source>canvas</source>
        <translation>tela</translation>
    </message>
    <message>
        <source>Export canvas</source>
        <translation>Exportar tela</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>%1 exportado</translation>
    </message>
    <message>
        <source>Restore unsaved work</source>
        <translation>Restaurar trabalho não salvo</translation>
    </message>
    <message>
        <source>Diffusion Studio did not close properly last time. Restore the project it saved automatically (%1)?</source>
        <translation>O Diffusion Studio não foi fechado corretamente da última vez. Restaurar o projeto salvo automaticamente (%1)?</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Restaurar</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Descartar</translation>
    </message>
    <message>
        <source>Restored the unsaved work: save it as a project to keep it</source>
        <translation>Trabalho não salvo restaurado: salve-o como projeto para mantê-lo</translation>
    </message>
</context>
<context>
    <name>ds::ui::NoiseLevelPanel</name>
    <message>
        <source>planned σₜ</source>
        <translation>σₜ planejado</translation>
    </message>
    <message>
        <source>std of latent xₜ</source>
        <translation>desvio-padrão do latente xₜ</translation>
    </message>
    <message>
        <source>RMS of ε̂</source>
        <translation>RMS de ε̂</translation>
    </message>
    <message>
        <source>RMS of ε(cond) − ε(uncond)</source>
        <translation>RMS de ε(cond) − ε(incond)</translation>
    </message>
    <message>
        <source>step</source>
        <translation>passo</translation>
    </message>
    <message>
        <source>value (log)</source>
        <translation>valor (log)</translation>
    </message>
</context>
<context>
    <name>ds::ui::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>Preferências</translation>
    </message>
    <message>
        <source>Automatic (GPU when present)</source>
        <translation>Automático (GPU quando houver)</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>GPU (CUDA)</source>
        <translation>GPU (CUDA)</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>Automático</translation>
    </message>
    <message>
        <source>Never (latent previews only)</source>
        <translation>Nunca (só prévias do latente)</translation>
    </message>
    <message>
        <source>Every step shows a cheap latent preview; every N steps x̂₀ is also decoded with the VAE</source>
        <translation>Cada passo mostra uma prévia barata do latente; a cada N passos x̂₀ também é decodificado pelo VAE</translation>
    </message>
    <message>
        <source>&amp;Device:</source>
        <translation>&amp;Dispositivo:</translation>
    </message>
    <message>
        <source>Compute &amp;threads:</source>
        <translation>&amp;Threads de cálculo:</translation>
    </message>
    <message>
        <source>Decode x̂₀ every N &amp;steps:</source>
        <translation>Decodificar x̂₀ a cada N &amp;passos:</translation>
    </message>
    <message>
        <source>Changes apply from the next generation; a new device reloads the model.</source>
        <translation>As mudanças valem a partir da próxima geração; um novo dispositivo recarrega o modelo.</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Idioma do sistema</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Idioma:</translation>
    </message>
</context>
<context>
    <name>ds::ui::ProjectAutosave</name>
    <message>
        <source>Cannot lock the recovery file %1</source>
        <translation>Não foi possível bloquear o arquivo de recuperação %1</translation>
    </message>
</context>
<context>
    <name>ds::ui::ResultView</name>
    <message>
        <source>Type a prompt and press Generate (Ctrl+Return)</source>
        <translation>Digite um prompt e pressione Gerar (Ctrl+Enter)</translation>
    </message>
</context>
<context>
    <name>ds::ui::SchedulePlotPanel</name>
    <message>
        <source>Number of diffusion steps the schedules are defined over</source>
        <translation>Número de passos de difusão sobre os quais os cronogramas são definidos</translation>
    </message>
    <message>
        <source>All four</source>
        <translation>Os quatro</translation>
    </message>
    <message>
        <source>β — noise added per step</source>
        <translation>β — ruído adicionado por passo</translation>
    </message>
    <message>
        <source>ᾱ — signal kept</source>
        <translation>ᾱ — sinal preservado</translation>
    </message>
    <message>
        <source>SNR — signal-to-noise ratio</source>
        <translation>SNR — razão sinal-ruído</translation>
    </message>
    <message>
        <source>σ — noise scale</source>
        <translation>σ — escala do ruído</translation>
    </message>
    <message>
        <source>β: noise added per step</source>
        <translation>β: ruído adicionado por passo</translation>
    </message>
    <message>
        <source>ᾱ: signal kept, ∏(1 − β)</source>
        <translation>ᾱ: sinal preservado, ∏(1 − β)</translation>
    </message>
    <message>
        <source>SNR = ᾱ / (1 − ᾱ)</source>
        <translation>SNR = ᾱ / (1 − ᾱ)</translation>
    </message>
    <message>
        <source>timestep t</source>
        <translation>passo de tempo t</translation>
    </message>
    <message>
        <source>(log)</source>
        <comment>axis label suffix: logarithmic scale</comment>
        <translation>(log)</translation>
    </message>
    <message>
        <source>SNR</source>
        <translation>SNR</translation>
    </message>
    <message>
        <source>Ti&amp;mesteps T:</source>
        <translation>Passos de tem&amp;po T:</translation>
    </message>
    <message>
        <source>Sho&amp;w:</source>
        <translation>M&amp;ostrar:</translation>
    </message>
</context>
<context>
    <name>ds::ui::StepsPanel</name>
    <message>
        <source>Step %1 of %2, t = %3</source>
        <translation>Passo %1 de %2, t = %3</translation>
    </message>
    <message>
        <source>Step %1 of %2 · t = %3 · σ = %4
left: latent xₜ, right: predicted x̂₀ (%5)</source>
        <translation>Passo %1 de %2 · t = %3 · σ = %4
à esquerda: latente xₜ, à direita: x̂₀ previsto (%5)</translation>
    </message>
    <message>
        <source>latent preview</source>
        <translation>prévia do latente</translation>
    </message>
    <message>
        <source>VAE decode</source>
        <translation>decodificação do VAE</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>Repetir</translation>
    </message>
    <message>
        <source>Play the reverse process again, step by step</source>
        <translation>Mostra de novo o processo reverso, passo a passo</translation>
    </message>
    <message>
        <source>Scrub through the steps of the last run</source>
        <translation>Percorre os passos da última execução</translation>
    </message>
    <message>
        <source>The steps of a generation appear here as it runs</source>
        <translation>Os passos de uma geração aparecem aqui enquanto ela roda</translation>
    </message>
</context>
</TS>
