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
        <source>&lt;h3&gt;Diffusion Studio %1&lt;/h3&gt;&lt;p&gt;A desktop studio for diffusion models. This window explores the forward process q(xₜ | x₀) of DDPM (Ho et al. 2020) under the linear, cosine (Nichol &amp;amp; Dhariwal 2021) and scaled-linear noise schedules.&lt;/p&gt;&lt;p&gt;Built with Qt %2, QCustomPlot and libtorch.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Diffusion Studio %1&lt;/h3&gt;&lt;p&gt;Um estúdio de desktop para modelos de difusão. Esta janela explora o processo direto q(xₜ | x₀) do DDPM (Ho et al. 2020) sob os cronogramas de ruído linear, cosseno (Nichol &amp;amp; Dhariwal 2021) e linear escalonado.&lt;/p&gt;&lt;p&gt;Feito com Qt %2, QCustomPlot e libtorch.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Diffusion Studio</source>
        <translation>Diffusion Studio</translation>
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
        <source>&amp;Open image…</source>
        <translation>&amp;Abrir imagem…</translation>
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
</TS>
