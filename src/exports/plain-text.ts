const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&nbsp;': ' ' };

/**
 * A stored comment body (sanitized HTML: paragraphs, line breaks and a few inline
 * tags) as plain text for analysis: paragraphs separated by a blank line, breaks kept,
 * tags dropped, entities read back. Pure.
 */
export function commentPlainText(html: string): string {
  return html
    .replace(/<br\s*\/?>\n?/gi, '\n')
    .replace(/<\/(p|blockquote)>\s*/gi, '\n\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(lt|gt|quot|#39|nbsp);/g, (entity) => ENTITIES[entity] ?? entity)
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
