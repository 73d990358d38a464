// Starts the widget: imports the wasm-bindgen glue and instantiates the wasm, whose names
// Trunk writes into this script's data attributes (Trunk.toml, `pattern_script`). It replaces the
// inline module Trunk would otherwise inject, so the page runs under a strict Content Security
// Policy: `script-src 'self' 'wasm-unsafe-eval'`, no inline script.
const boot = document.querySelector('script[data-incident-desk-boot]');
const glue = await import(boot.dataset.js);
const wasm = await glue.default({ module_or_path: boot.dataset.wasm });
// The same event Trunk's own loader fires (the benchmark reads the wasm memory from it).
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
