#!/usr/bin/env node
// tests/html/render.mjs - the handouts as web pages (make handouts).
//
//   node tests/html/render.mjs [--from DIR] [OUT]
//
// DIR defaults to handouts, OUT to DIR/html.
//
// Every handouts/*.md becomes OUT/NAME.html (handouts/README.md becomes
// index.html): a page that works offline from file://, with its CSS inlined
// (a print stylesheet included), code and transcripts highlighted here, ahead
// of time (highlight.js for C and sh; the transcripts' own format below), and
// every ```mermaid block drawn in the page by the Mermaid bundle copied next
// to the pages (OUT/mermaid.min.js, from node_modules, pinned in
// package-lock.json). Links between handouts point to their pages; links to
// the code (../labs/reaper/server.c) to the files of this checkout; images of
// the handouts are copied next to the pages. Heading ids follow GitHub's rule
// ("## Run it" is #run-it), so anchors written for GitHub work here too.
//
// tests/html.bats loads every page in headless Chromium and checks it
// (tests/html/check.mjs).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import MarkdownIt from 'markdown-it';
import hljs from 'highlight.js/lib/core';
import c from 'highlight.js/lib/languages/c';
import bash from 'highlight.js/lib/languages/bash';
import makefile from 'highlight.js/lib/languages/makefile';
import diff from 'highlight.js/lib/languages/diff';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const from = args[0] === '--from' ? (args.shift(), args.shift()) : null;
const source = from ? path.resolve(from) : path.join(root, 'handouts');
const out = path.resolve(args[0] ?? path.join(source, 'html'));
const fromOut = path.relative(out, source); // '..' for handouts/html

hljs.registerLanguage('c', c);
hljs.registerLanguage('bash', bash);
hljs.registerLanguage('makefile', makefile);
hljs.registerLanguage('diff', diff);
const aliases = { c: 'c', h: 'c', sh: 'bash', bash: 'bash', shell: 'bash', make: 'makefile', makefile: 'makefile', diff: 'diff', patch: 'diff' };

const escape = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// The transcripts (```console): "[A]$ cmd" or "$ cmd" is a command typed in a
// terminal, "[A] > text" a line typed into a program, "[A] ^C" a key,
// "[A] (exit status 0)" how a program ended, "[A] text" its output. Each
// terminal's label keeps one colour throughout the page.
const terminals = new Map([['server', 0]]);
function terminalClass(label) {
  if (!terminals.has(label)) terminals.set(label, 1 + ((terminals.size - 1) % 5));
  return `term term-${terminals.get(label)}`;
}
function highlightConsole(code) {
  return code
    .split('\n')
    .map((line) => {
      let m = /^(\[[^\]\s]+\])?(\s?)(.*)$/.exec(line);
      let [, label = '', gap, rest] = m;
      let html = label ? `<span class="${terminalClass(label.slice(1, -1))}">${escape(label)}</span>${gap}` : gap;
      if ((m = /^\$( .*)?$/.exec(rest))) {
        return `${html}<span class="prompt">$</span>${m[1] ? ' ' + hljs.highlight(m[1].slice(1), { language: 'bash' }).value : ''}`;
      }
      if ((m = /^> (.*)$/.exec(rest)) && label) return `${html}<span class="prompt">&gt;</span> <kbd>${escape(m[1])}</kbd>`;
      if (/^\^[A-Z\]\\]$/.test(rest) && label) return `${html}<kbd class="key">${escape(rest)}</kbd>`;
      if (/^\(exit status \d+\)$/.test(rest) && label) return `${html}<span class="status">${escape(rest)}</span>`;
      if (/^=== .* ===$/.test(rest) && !label) return `<span class="section">${escape(rest)}</span>`;
      return html + escape(rest);
    })
    .join('\n');
}

// GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens,
// a repeated id numbered -1, -2...
function slugger() {
  const seen = new Map();
  return (text) => {
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    let slug = base;
    while (seen.has(slug)) {
      seen.set(base, seen.get(base) + 1);
      slug = `${base}-${seen.get(base)}`;
    }
    seen.set(slug, 0);
    return slug;
  };
}

// Where a link or image written in a handout points from the pages.
const pages = new Map(); // handouts/NAME.md -> NAME.html
for (const name of fs.readdirSync(source).filter((f) => f.endsWith('.md')).sort()) {
  pages.set(name, name === 'README.md' ? 'index.html' : name.replace(/\.md$/, '.html'));
}
const images = new Set(); // files of handouts/ the pages show, copied to OUT
function relink(url, isImage) {
  if (!url || /^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('#') || url.startsWith('/')) return url;
  const hash = url.indexOf('#');
  const file = decodeURI(hash < 0 ? url : url.slice(0, hash));
  const fragment = hash < 0 ? '' : url.slice(hash);
  const target = path.resolve(source, file);
  if (path.dirname(target) === source && pages.has(path.basename(target))) {
    return encodeURI(pages.get(path.basename(target))) + fragment;
  }
  if (isImage && target.startsWith(source + path.sep) && fs.existsSync(target)) {
    images.add(path.relative(source, target));
    return url;
  }
  return encodeURI(path.relative(out, target).split(path.sep).join('/')) + fragment;
}
// Links and images written as HTML in the Markdown (<a href>, <img src>).
const relinkHtml = (html) =>
  html.replace(/\b(href|src)=(["'])([^"']*)\2/g, (all, attr, quote, url) => `${attr}=${quote}${relink(url, attr === 'src')}${quote}`);

const md = new MarkdownIt({ html: true, linkify: false, typographer: false });
md.renderer.rules.fence = (tokens, idx, options, env) => {
  const token = tokens[idx];
  const lang = token.info.trim().split(/\s+/)[0].toLowerCase();
  // data-file and data-line: where the diagram's first line is in the
  // handout, for page.js to say where an error is.
  if (lang === 'mermaid') {
    return `<pre class="mermaid" data-file="${escape(env.name)}" data-line="${token.map[0] + 2}">${escape(token.content)}</pre>\n`;
  }
  let body;
  if (lang === 'console') body = highlightConsole(token.content.replace(/\n$/, ''));
  else if (aliases[lang]) body = hljs.highlight(token.content.replace(/\n$/, ''), { language: aliases[lang] }).value;
  else body = escape(token.content.replace(/\n$/, ''));
  return `<pre class="code${lang ? ' lang-' + escape(lang) : ''}"><code class="hljs">${body}</code></pre>\n`;
};
md.renderer.rules.code_block = (tokens, idx) =>
  `<pre class="code"><code class="hljs">${escape(tokens[idx].content.replace(/\n$/, ''))}</code></pre>\n`;
const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx];
  token.attrSet('href', relink(token.attrGet('href'), false));
  return defaultLinkOpen(tokens, idx, options, env, self);
};
const defaultImage = md.renderer.rules.image;
md.renderer.rules.image = (tokens, idx, options, env, self) => {
  const token = tokens[idx];
  token.attrSet('src', relink(token.attrGet('src'), true));
  return defaultImage(tokens, idx, options, env, self);
};
const defaultHtmlBlock = md.renderer.rules.html_block;
md.renderer.rules.html_block = (tokens, idx, ...rest) => relinkHtml(defaultHtmlBlock(tokens, idx, ...rest));
const defaultHtmlInline = md.renderer.rules.html_inline;
md.renderer.rules.html_inline = (tokens, idx, ...rest) => relinkHtml(defaultHtmlInline(tokens, idx, ...rest));
// Heading ids, from the heading's text as a reader sees it.
md.core.ruler.push('heading_ids', (state) => {
  const slug = slugger();
  state.tokens.forEach((token, i) => {
    if (token.type !== 'heading_open') return;
    const text = state.tokens[i + 1].children
      .filter((t) => t.type === 'text' || t.type === 'code_inline')
      .map((t) => t.content)
      .join('');
    token.attrSet('id', slug(text));
  });
});

// The highlighting colours are highlight.js's own GitHub theme.
const css =
  fs.readFileSync(path.join(root, 'node_modules/highlight.js/styles/github.css'), 'utf8') +
  fs.readFileSync(path.join(root, 'tests/html/page.css'), 'utf8');
const pageScript = fs.readFileSync(path.join(root, 'tests/html/page.js'), 'utf8');

// The page around a handout: its title, a line to the index and the handouts
// before and after it, the mermaid bundle when it has a diagram.
const order = [...pages.keys()].sort((a, b) => (a === 'README.md' ? -1 : b === 'README.md' ? 1 : a.localeCompare(b)));
function page(name, body, title) {
  const i = order.indexOf(name);
  const titleOf = (n) => {
    const heading = /^# (.*)$/m.exec(fs.readFileSync(path.join(source, n), 'utf8'));
    return heading ? md.renderInline(heading[1]).replace(/<[^>]*>/g, '') : n;
  };
  // "Lab 2: udp-echo, a UDP echo server" is "Lab 2: udp-echo" here.
  const navLink = (n, rel, before, after) =>
    n ? `<a rel="${rel}" href="${encodeURI(pages.get(n))}">${before}${titleOf(n).split(', ')[0]}${after}</a>` : '';
  const nav = [
    name === 'README.md' ? '' : navLink('README.md', 'index', '', ''),
    order[i - 1] === 'README.md' ? '' : navLink(order[i - 1], 'prev', '← ', ''),
    navLink(order[i + 1], 'next', '', ' →'),
  ]
    .filter(Boolean)
    .join('\n');
  const diagrams = body.includes('<pre class="mermaid"');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tests/html/render.mjs, from handouts/${escape(name)}">
<title>${title}</title>
<style>
${css}</style>
</head>
<body>
<nav class="pages">
${nav}
</nav>
<main>
${body}</main>
<footer><nav class="pages">
${nav}
</nav>
<p>Made by <code>make handouts</code> from <a href="${encodeURI(fromOut + '/' + name)}"><code>handouts/${escape(name)}</code></a>.</p>
</footer>
${diagrams ? '<script src="mermaid.min.js"></script>\n' : ''}<script>
${pageScript}</script>
</body>
</html>
`;
}

fs.mkdirSync(out, { recursive: true });
// Pages made before of handouts that are gone (or renamed) go too.
for (const file of fs.readdirSync(out).filter((f) => f.endsWith('.html'))) {
  if (fs.readFileSync(path.join(out, file), 'utf8').includes('<meta name="generator" content="tests/html/render.mjs')) {
    fs.rmSync(path.join(out, file));
  }
}
const mermaid = path.join(root, 'node_modules/mermaid/dist/mermaid.min.js');
fs.copyFileSync(mermaid, path.join(out, 'mermaid.min.js'));
for (const [name, html] of pages) {
  const text = fs.readFileSync(path.join(source, name), 'utf8');
  terminals.clear();
  terminals.set('server', 0);
  const heading = /^# (.*)$/m.exec(text);
  const title = heading ? md.renderInline(heading[1]).replace(/<[^>]*>/g, '') : name;
  fs.writeFileSync(path.join(out, html), page(name, md.render(text, { name }), title));
}
for (const image of images) {
  fs.mkdirSync(path.dirname(path.join(out, image)), { recursive: true });
  fs.copyFileSync(path.join(source, image), path.join(out, image));
}
console.log(`${pages.size} pages in ${path.relative(process.cwd(), out) || '.'}/ (open ${path.join(path.relative(process.cwd(), out), 'index.html')})`);
