// tests/html/page.js - inlined at the end of each handout's page by render.mjs.
// Draws each ```mermaid block (a pre.mermaid) with the Mermaid bundle next to
// the page; a diagram that cannot be drawn shows why, above its source. When
// all are done, the html element says how many were drawn and how many
// failed: data-diagrams="drawn N failed M" (tests/html.bats reads it).
(async () => {
  const blocks = [...document.querySelectorAll('pre.mermaid')];
  let drawn = 0;
  let failed = 0;
  const fail = (block, message) => {
    const box = document.createElement('div');
    box.className = 'diagram-error';
    box.setAttribute('role', 'alert');
    const text = document.createElement('p');
    // Mermaid counts lines from the diagram's first; say the handout's.
    const line = /on line (\d+)/.exec(message);
    const where = line ? `, line ${Number(block.dataset.line) + Number(line[1]) - 1}` : '';
    text.textContent = `This diagram (${block.dataset.file}${where}) could not be drawn: ${message}`;
    const source = document.createElement('pre');
    source.className = 'diagram-source';
    source.textContent = block.textContent;
    box.append(text, source);
    block.replaceWith(box);
    failed++;
  };
  if (blocks.length > 0 && typeof mermaid === 'undefined') {
    blocks.forEach((block) => fail(block, 'mermaid.min.js, next to this page, did not load.'));
  } else if (blocks.length > 0) {
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'default' });
    for (const [i, block] of blocks.entries()) {
      try {
        const { svg } = await mermaid.render(`diagram-${i + 1}`, block.textContent);
        const figure = document.createElement('figure');
        figure.className = 'diagram';
        figure.innerHTML = svg;
        block.replaceWith(figure);
        drawn++;
      } catch (error) {
        fail(block, String((error && error.message) || error));
      }
    }
  }
  document.documentElement.dataset.diagrams = `drawn ${drawn} failed ${failed}`;
})();
