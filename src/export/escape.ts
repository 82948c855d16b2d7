/**
 * One escaping function per target language. Names come from the network (DNS answers, SNI, HTTP
 * Host): every renderer passes all text through the function for its language, nothing else.
 */
export { csvCell } from '../query/format.js';

// Characters XML 1.0 cannot hold at all (even escaped): C0 controls but TAB/LF/CR, lone surrogates, U+FFFE/FFFF.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text for XML content or a double-quoted attribute (also safe for HTML). */
export function xml(s: string): string {
  return s
    .replace(XML_INVALID, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

/** A DOT double-quoted string, quotes included. Backslashes are doubled so `\l`, `\N`... stay text. */
export function dotString(s: string): string {
  // eslint-disable-next-line no-control-regex
  const body = s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n').replace(/[\u0000-\u001f\u007f]/g, ' ');
  return `"${body}"`;
}

/**
 * Text inside a Mermaid double-quoted label. Mermaid renders labels as (sanitised) HTML, so the
 * characters that matter become HTML named entities. Its own `#code;` entity syntax is avoided:
 * `#` and `;` are escaped too, so no name can form one. Line breaks become spaces.
 */
const MERMAID_ENTITY: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '#': '&num;', ';': '&semi;', '`': '&grave;', '|': '&vert;',
};

export function mermaidText(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ')
    .replace(/[&<>"#;`|]/g, (c) => MERMAID_ENTITY[c]);
}

/**
 * Text for a Markdown paragraph or GFM table cell: every character that can open markup (emphasis,
 * links, code, HTML, table pipes, entities, strikethrough) is backslash-escaped, and line breaks become
 * spaces, so a name stays one line of plain text. `(` and `!` need no escape once `[` has one; markers
 * that act only at the start of a line (`-`, `+`, `1.`) are left alone: every line of a report starts
 * with the report's own words.
 */
export function markdownText(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ')
    .replace(/[\\`*_[\]<>|&~#]/g, (c) => `\\${c}`);
}
