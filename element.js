// Incident Desk in a host's own page: the script and custom-element mode (docs/embedding.md).
//
//   <script type="module" src="https://desk.example.org/element.js"></script>
//   <incident-desk instance="desk-1" agent="a-42" agent-role="handler"></incident-desk>
//
// or, from the host's own module:
//
//   import { IncidentDesk } from 'https://desk.example.org/element.js';
//   const desk = IncidentDesk.mount(element, { agentId: 'a-42', instance: 'desk-1' });
//   const stop = desk.on('entry.completed', ({ key, entry }) => store(key, entry));
//   await desk.command('configure', { agent_id: 'a-42', role: 'handler', z_index: 10 });
//   desk.destroy();
//
// This module loads the widget's wasm once, beside itself (the file names are stable: Trunk's
// `filehash = false`), and all widgets on the page share it. Each widget lives in an open shadow
// root of its element, with the widget's stylesheet linked there; the wasm side (src/host/
// element.rs) mounts the app, checks every option and command with the engine, sets the theme
// and z-index on a constructable stylesheet (never a style attribute), and dispatches the
// widget's events on the element as `incident-desk:<type>` (bubbling, composed). Nothing here
// writes to the console or renders anything as HTML.
import init, { mount_widget } from './incident-desk.js';

const HERE = import.meta.url;
const DEFAULT_PACK = new URL('packs/council-out-of-hours.json', HERE).href;
const STYLESHEET = new URL('main.css', HERE).href;
const EVENT_PREFIX = 'incident-desk:';

await init({ module_or_path: new URL('incident-desk_bg.wasm', HERE) });

/** The widgets mounted, by element: kept until destroyed, or until their element is gone. */
const mounted = new WeakMap();

/** Each desk's wasm handle, for the element's attribute changes (not part of the desk's API). */
const handles = new WeakMap();

/** The `configure` payload the engine checks for the mount options. */
function configureOf(options) {
  const configure = {
    agent_id: options.agentId ?? 'handler',
    role: options.role ?? 'handler',
  };
  if (options.agentName != null) configure.agent_name = options.agentName;
  if (options.locale != null) configure.locale = options.locale;
  if (options.theme != null) configure.theme = options.theme;
  if (options.zIndex != null) configure.z_index = options.zIndex;
  return configure;
}

/**
 * Mounts a widget in `element` (in its open shadow root, made if it has none) and returns
 * `{ element, on(type, callback), command(name, payload), destroy() }`. Options: `pack` (the
 * procedure pack's address, relative to the page; the widget's default pack if left out),
 * `agentId`, `agentName` (the name callers hear, for `{agent}` in the pack's wording), `role`, `locale`, `theme` (`--idk-*` custom properties), `zIndex`, and `instance`
 * (a name per widget on the page: its saved call is kept under it). Throws an Error saying what
 * is wrong with the options; nothing is mounted then.
 */
function mount(element, options = {}) {
  if (!(element instanceof Element)) {
    throw new TypeError('IncidentDesk.mount: the first argument must be an element.');
  }
  if (mounted.has(element)) {
    throw new Error('IncidentDesk.mount: a widget is already mounted in this element; destroy it first.');
  }
  const pack = options.pack ? new URL(String(options.pack), document.baseURI).href : DEFAULT_PACK;
  const root = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
  const stylesheet = document.createElement('link');
  stylesheet.rel = 'stylesheet';
  stylesheet.href = STYLESHEET;
  const container = document.createElement('div');
  root.append(stylesheet, container);
  let handle;
  try {
    const instance = options.instance == null ? undefined : String(options.instance);
    // This module's own address: the widget's files are beside it (its deployment settings,
    // deployment.json, and its packs, whose site `pack.load` may name).
    handle = mount_widget(element, root, container, pack, instance, JSON.stringify(configureOf(options)), HERE);
  } catch (error) {
    stylesheet.remove();
    container.remove();
    throw error;
  }
  const listeners = new Set();
  let destroyed = false;
  const desk = {
    element,
    /** Calls `callback(detail, event)` for each `incident-desk:<type>` event; returns an unsubscribe function. */
    on(type, callback) {
      const name = EVENT_PREFIX + type;
      const listener = (event) => callback(event.detail, event);
      const entry = [name, listener];
      element.addEventListener(name, listener);
      listeners.add(entry);
      return () => {
        element.removeEventListener(name, listener);
        listeners.delete(entry);
      };
    },
    /** Sends a command; resolves once it is acted on, rejects with the widget's reason. */
    command(name, payload = {}) {
      if (destroyed) {
        return Promise.reject(new Error('IncidentDesk: this widget has been destroyed; mount a new one to send it commands.'));
      }
      let json;
      try {
        json = JSON.stringify(payload) ?? 'null';
      } catch {
        return Promise.reject(new TypeError('IncidentDesk: the payload cannot be written as JSON.'));
      }
      return handle.command(String(name), json);
    },
    /** Unmounts the widget: its shadow root is left empty and its listeners removed. */
    destroy() {
      if (destroyed) return;
      destroyed = true;
      handle.destroy();
      for (const [name, listener] of listeners) element.removeEventListener(name, listener);
      listeners.clear();
      stylesheet.remove();
      container.remove();
      mounted.delete(element);
    },
  };
  mounted.set(element, desk);
  handles.set(desk, handle);
  return desk;
}

export const IncidentDesk = Object.freeze({ mount });

/** The attributes `<incident-desk>` reads. A new `pack` or `instance` mounts the widget afresh; a
 * change to the others is merged into the configuration in force (the endpoint, token and theme a
 * script configured stay), so a call in progress carries on. */
const ATTRIBUTES = ['pack', 'agent', 'agent-name', 'agent-role', 'locale', 'instance', 'z-index'];
const REMOUNT = new Set(['pack', 'instance']);

/**
 * `<incident-desk pack="…" agent="…" agent-name="…" agent-role="…" locale="…" instance="…" z-index="…">`: a
 * widget mounted in the element's shadow root while the element is in the document. (The
 * handler's role is `agent-role`: `role` is every element's ARIA role, and "handler" is none.) `element.desk` is
 * the object `IncidentDesk.mount` returned (null when not mounted, or when the attributes were
 * refused: then an `incident-desk:error` event says why); `element.destroy()` destroys it. Theme
 * it with `--idk-*` custom properties on the element.
 */
class IncidentDeskElement extends HTMLElement {
  static observedAttributes = ATTRIBUTES;

  desk = null;

  connectedCallback() {
    if (!this.desk) this.#mount();
  }

  disconnectedCallback() {
    // Moved, not removed: the element is back in the document before the microtask runs.
    queueMicrotask(() => {
      if (!this.isConnected) this.#unmount();
    });
  }

  attributeChangedCallback(name, before, after) {
    if (before === after || !this.isConnected || !this.desk) return;
    if (REMOUNT.has(name)) {
      this.#unmount();
      this.#mount();
    } else {
      // Merged into the configuration in force: an endpoint or token a script configured stays.
      // A refusal is also an `incident-desk:error` event on the element.
      handles.get(this.desk)?.attributes(JSON.stringify(configureOf(this.#options()))).catch(() => {});
    }
  }

  /** Destroys the widget and leaves the element (and its shadow root) empty. */
  destroy() {
    this.#unmount();
  }

  #options() {
    const z = this.getAttribute('z-index');
    return {
      pack: this.getAttribute('pack') ?? undefined,
      agentId: this.getAttribute('agent') ?? undefined,
      agentName: this.getAttribute('agent-name') ?? undefined,
      role: this.getAttribute('agent-role') ?? undefined,
      locale: this.getAttribute('locale') ?? undefined,
      instance: this.getAttribute('instance') ?? undefined,
      // Digits as a number; anything else as it is, for the widget to refuse with its reason.
      zIndex: z == null ? undefined : /^[0-9]+$/.test(z) ? Number(z) : z,
    };
  }

  #mount() {
    try {
      this.desk = mount(this, this.#options());
    } catch (error) {
      this.desk = null;
      this.dispatchEvent(
        new CustomEvent(`${EVENT_PREFIX}error`, {
          bubbles: true,
          composed: true,
          detail: { code: 'invalid_options', message: error.message, problems: [] },
        }),
      );
    }
  }

  #unmount() {
    this.desk?.destroy();
    this.desk = null;
  }
}

if (!customElements.get('incident-desk')) {
  customElements.define('incident-desk', IncidentDeskElement);
}
