/**
 * A strict well-formedness check for the XML the junit reporter writes (XML 1.0: one root, tags
 * balanced and named alike, quoted attributes without `<`, no duplicate attribute, `&` only in an
 * entity reference, no forbidden control characters). Returns the problems found, empty if none.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_][\w.-]*$/;
const ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

function unescape(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e]!);
}

export function parseXml(xml: string): { root: XmlElement | null; errors: string[] } {
  const errors: string[] = [];
  if (FORBIDDEN.test(xml)) errors.push('forbidden control character');
  let s = xml;
  const decl = /^<\?xml[^?]*\?>\s*/.exec(s);
  if (decl) s = s.slice(decl[0].length);
  else errors.push('no XML declaration');
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let i = 0;
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    const text = s.slice(i, lt < 0 ? s.length : lt);
    if (ENTITY.test(text)) errors.push(`bare & in text near ${JSON.stringify(text.slice(0, 40))}`);
    if (text.includes('>') && /\]\]>/.test(text)) errors.push(']]> in text');
    if (stack.length > 0) stack[stack.length - 1]!.text += unescape(text);
    else if (text.trim() !== '') errors.push(`text outside the root: ${JSON.stringify(text.slice(0, 40))}`);
    if (lt < 0) break;
    const gt = s.indexOf('>', lt);
    if (gt < 0) {
      errors.push('unterminated tag');
      break;
    }
    const tag = s.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (!open || open.name !== name) errors.push(`</${name}> closes ${open ? `<${open.name}>` : 'nothing'}`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const m = /^([^\s]+)([\s\S]*)$/.exec(body);
    if (!m || !NAME.test(m[1]!)) {
      errors.push(`bad tag <${tag.slice(0, 30)}>`);
      continue;
    }
    const el: XmlElement = { name: m[1]!, attrs: {}, children: [], text: '' };
    let rest = m[2]!.trim();
    while (rest.length > 0) {
      const a = /^([A-Za-z_][\w.:-]*)="([^"<]*)"\s*/.exec(rest);
      if (!a) {
        errors.push(`bad attribute in <${el.name}>: ${rest.slice(0, 30)}`);
        break;
      }
      if (a[1]! in el.attrs) errors.push(`duplicate attribute ${a[1]} in <${el.name}>`);
      if (ENTITY.test(a[2]!)) errors.push(`bare & in attribute ${a[1]}`);
      el.attrs[a[1]!] = unescape(a[2]!);
      rest = rest.slice(a[0].length);
    }
    if (stack.length > 0) stack[stack.length - 1]!.children.push(el);
    else if (root) errors.push(`second root <${el.name}>`);
    else root = el;
    if (!selfClosing) stack.push(el);
  }
  if (stack.length > 0) errors.push(`unclosed <${stack.map((e) => e.name).join('>, <')}>`);
  if (!root) errors.push('no root element');
  return { root, errors };
}
