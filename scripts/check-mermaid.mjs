// Parses and renders Mermaid files with the real mermaid package, to check that
// `adrestore plan --format mermaid` output is valid. Not part of the build. Run it from a
// scratch directory where `npm install mermaid jsdom` was done (doc/testing.md):
//   cd /tmp/mmd && node /path/to/scripts/check-mermaid.mjs /path/to/*.mermaid
// Exit status 1 when a file does not parse or render. Writes FILE.svg next to each input
// when ADRESTORE_MERMAID_SVG=1.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const requireHere = createRequire(process.cwd() + '/');
const { JSDOM } = await import(pathToFileURL(requireHere.resolve('jsdom')).href);
const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
for (const k of ['window', 'document', 'DOMParser', 'Element', 'SVGElement', 'navigator', 'CSSStyleSheet',
                 'HTMLElement', 'Node', 'MutationObserver', 'getComputedStyle']) {
  globalThis[k] = dom.window[k];
}
// jsdom does no layout: approximate text boxes so that rendering can run.
const box = (el) => ({ x: 0, y: 0, width: 8 * ((el.textContent ?? '').length || 1), height: 16 });
dom.window.SVGElement.prototype.getBBox = function () { return box(this); };
dom.window.SVGElement.prototype.getComputedTextLength = function () { return box(this).width; };

const { default: mermaid } = await import(pathToFileURL(requireHere.resolve('mermaid')).href);
mermaid.initialize({ startOnLoad: false, flowchart: { htmlLabels: false } });

let failed = 0;
let n = 0;
for (const file of process.argv.slice(2)) {
  const text = fs.readFileSync(file, 'utf8');
  try {
    const parsed = await mermaid.parse(text);
    const { svg } = await mermaid.render(`g${n++}`, text);
    if (process.env.ADRESTORE_MERMAID_SVG === '1') fs.writeFileSync(`${file}.svg`, svg);
    console.log(`${file}: ok (${parsed.diagramType}, ${svg.length} bytes of SVG)`);
  } catch (err) {
    failed++;
    console.log(`${file}: FAILED: ${err?.message ?? err}`);
  }
}
process.exit(failed ? 1 : 0);
