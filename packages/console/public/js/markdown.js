// The setup kit's README, rendered from its Markdown into DOM nodes — headings, paragraphs, lists, tables, code
// blocks (each with a copy button), inline code, bold and links — and nothing else: no HTML in the source is ever
// interpreted. Links to the kit's own files become downloads; other links open outside the console.

import { copyButton, h } from './dom.js'

/** Inline Markdown as nodes: `code`, **bold**, [text](href). */
function inline(text, link) {
  const nodes = []
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g
  let last = 0
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) nodes.push(text.slice(last, match.index))
    if (match[1] !== undefined) nodes.push(h('code', {}, match[1]))
    else if (match[2] !== undefined) nodes.push(h('strong', {}, inline(match[2], link)))
    else nodes.push(link(match[3], match[4]))
    last = match.index + match[0].length
  }
  if (last < text.length) nodes.push(text.slice(last))
  return nodes
}

const cells = (row) => row.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim())

/**
 * Renders `markdown`. `fileLink(path)` is the download address of a kit file (`./setup.sh` → its URL), or
 * undefined when the kit has no such file. Headings start at `<h3>`, under the page's own.
 */
export function renderMarkdown(markdown, fileLink) {
  const link = (text, href) => {
    const label = inline(text, () => text)
    if (href.startsWith('./')) {
      const url = fileLink(href.slice(2))
      return url === undefined ? h('span', {}, label) : h('a', { href: url, download: href.slice(2).split('/').pop() }, label)
    }
    if (/^https:\/\//.test(href)) return h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, label)
    return h('span', {}, label)
  }
  const lines = markdown.replace(/<!--[\s\S]*?-->/g, '').split('\n')
  const blocks = []
  let i = 0
  while (i < lines.length) {
    const line = lines[i]
    if (line.trim() === '') {
      i++
    } else if (line.startsWith('```')) {
      const lang = line.slice(3).trim()
      const code = []
      for (i++; i < lines.length && !lines[i].startsWith('```'); i++) code.push(lines[i])
      i++
      const text = code.join('\n')
      blocks.push(h('div', { class: 'code-block', dataset: { lang: lang || 'text' } }, h('div', { class: 'code-bar' }, h('span', {}, lang || 'text'), copyButton(text)), h('pre', {}, h('code', {}, text))))
    } else if (/^#{1,6} /.test(line)) {
      const level = Math.min(6, line.indexOf(' ') + 2)
      blocks.push(h(`h${level}`, {}, inline(line.slice(line.indexOf(' ') + 1), link)))
      i++
    } else if (line.startsWith('|') && /^\|[\s:|-]+\|$/.test(lines[i + 1] ?? '')) {
      const head = cells(line)
      const rows = []
      for (i += 2; i < lines.length && lines[i].startsWith('|'); i++) rows.push(cells(lines[i]))
      blocks.push(h('table', { class: 'md-table' }, h('thead', {}, h('tr', {}, head.map((c) => h('th', {}, inline(c, link))))), h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, inline(c, link))))))))
    } else if (/^(?:[-*]|\d+\.) /.test(line)) {
      const ordered = /^\d+\./.test(line)
      const items = []
      for (; i < lines.length && (/^(?:[-*]|\d+\.) /.test(lines[i]) || (/^\s+\S/.test(lines[i]) && items.length > 0)); i++) {
        if (/^\s/.test(lines[i])) items[items.length - 1] += ` ${lines[i].trim()}`
        else items.push(lines[i].replace(/^(?:[-*]|\d+\.) /, ''))
      }
      blocks.push(h(ordered ? 'ol' : 'ul', {}, items.map((item) => h('li', {}, inline(item, link)))))
    } else {
      // A paragraph takes its first line whatever it looks like, so every pass moves on.
      const text = [lines[i++].trim()]
      for (; i < lines.length && lines[i].trim() !== '' && !/^(?:```|#{1,6} |\||(?:[-*]|\d+\.) )/.test(lines[i]); i++) text.push(lines[i].trim())
      blocks.push(h('p', {}, inline(text.join(' '), link)))
    }
  }
  return h('div', { class: 'markdown' }, blocks)
}
