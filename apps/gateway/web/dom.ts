/** A few DOM helpers: elements are built with text nodes only, so nothing a user typed is HTML. */
import { ApiError } from './api.js';

type Child = Node | string | number | null | undefined | false;
type AttrValue = string | number | boolean | undefined | ((ev: Event) => void);

/** `h('button', {type: 'submit', onclick: f}, 'Send')`; `false`/`undefined` attributes are left out. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, AttrValue> = {},
  ...children: Array<Child | Child[]>
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) el.setAttribute(name, '');
    else if (value !== false && value !== undefined) el.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

let fieldIds = 0;

/** A control with its own `<label for>` (so the label alone names it, whatever the control shows). */
function labelled(label: string, control: HTMLElement): HTMLDivElement {
  control.id ||= `f${++fieldIds}`;
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
}

/** A labelled input, found by its label in tests and by screen readers. */
export function field(
  label: string,
  name: string,
  attrs: Record<string, AttrValue> = {},
): HTMLDivElement {
  return labelled(label, h('input', { name, ...attrs }));
}

/** A labelled select of `[value, text]` options. */
export function selectField(
  label: string,
  name: string,
  options: Array<[string, string]>,
): HTMLDivElement {
  return labelled(
    label,
    h('select', { name }, ...options.map(([value, text]) => h('option', { value }, text))),
  );
}

/** An alert region; `show` puts an error in it (code, message and each detail), `clear` empties it. */
export class ErrorBox {
  readonly el = h('div', { role: 'alert', class: 'error', hidden: true });

  show(err: unknown): void {
    const e =
      err instanceof ApiError ? err : new ApiError(0, 'ERROR', (err as Error)?.message ?? '?');
    const details = Object.entries(e.details ?? {}).map(([k, v]) =>
      h('li', {}, `${k}: ${v.join(', ')}`),
    );
    this.el.replaceChildren(h('strong', {}, e.code), ' ', e.message);
    if (details.length) this.el.append(h('ul', {}, details));
    this.el.hidden = false;
  }

  clear(): void {
    this.el.replaceChildren();
    this.el.hidden = true;
  }

  /** Runs `task`, showing its error here; resolves undefined when it failed. */
  async run<T>(task: () => Promise<T>): Promise<T | undefined> {
    this.clear();
    try {
      return await task();
    } catch (err) {
      this.show(err);
      return undefined;
    }
  }
}

/** A form whose submit runs `onSubmit` with its values, errors shown in `errors`; the form is the action. */
export function form(
  name: string,
  errors: ErrorBox,
  onSubmit: (values: Record<string, string>, form: HTMLFormElement) => Promise<unknown>,
  ...children: Child[]
): HTMLFormElement {
  const f = h('form', { 'aria-label': name, class: 'form' }, ...children);
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const values: Record<string, string> = {};
    for (const [k, v] of new FormData(f)) values[k] = String(v).trim();
    void errors.run(() => onSubmit(values, f));
  });
  return f;
}

/** A table with a caption, a header row and one row per item. */
export function table<T>(
  caption: string,
  headers: string[],
  items: T[],
  row: (item: T) => Child[],
  empty = 'None yet.',
): HTMLElement {
  if (!items.length) return h('p', { class: 'empty' }, `${caption}: ${empty}`);
  return h(
    'table',
    {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...headers.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, ...items.map((item) => h('tr', {}, ...row(item).map((c) => h('td', {}, c))))),
  );
}

/** Unix seconds as local date and time. */
export function when(unixSeconds: number | undefined): string {
  return unixSeconds ? new Date(unixSeconds * 1000).toLocaleString() : '';
}
