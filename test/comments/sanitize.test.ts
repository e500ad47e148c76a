import { describe, expect, it } from 'vitest';
import { renderCommentBody } from '../../src/comments/sanitize.js';

describe('renderCommentBody', () => {
  it('keeps exactly the tags the seed allows, with their attributes', () => {
    const html = renderCommentBody(
      '<a href="https://example.org/x" title="T">a</a> <abbr title="International">I</abbr> <acronym title="UN">UN</acronym> <b>b</b> <blockquote cite="https://un.org">q</blockquote> <cite>c</cite> <code>x()</code> <del datetime="2011-09-19">d</del> <em>e</em> <i>i</i> <q cite="https://un.org">q</q> <strike>s</strike> <strong>S</strong>',
    );
    for (const fragment of [
      '<a href="https://example.org/x" title="T" rel="nofollow ugc noopener">a</a>',
      '<abbr title="International">I</abbr>',
      '<acronym title="UN">UN</acronym>',
      '<b>b</b>',
      '<blockquote cite="https://un.org">',
      '<cite>c</cite>',
      '<code>x()</code>',
      '<del datetime="2011-09-19">d</del>',
      '<em>e</em>',
      '<i>i</i>',
      '<q cite="https://un.org">q</q>',
      '<strike>s</strike>',
      '<strong>S</strong>',
    ]) {
      expect(html).toContain(fragment);
    }
  });

  it('keeps paragraphs and line breaks', () => {
    expect(renderCommentBody('One\nline two\n\nTwo')).toBe('<p>One<br />\nline two</p>\n<p>Two</p>');
  });

  it.each([
    ['script', '<script>alert(1)</script>hi', /script|alert/],
    ['event handler', '<b onclick="alert(1)">hi</b>', /onclick/],
    ['javascript: URL', '<a href="javascript:alert(1)">x</a>', /javascript/],
    ['entity-encoded javascript: URL', '<a href="&#106;avascript:alert(1)">x</a>', /avascript/],
    ['data: URL', '<a href="data:text/html,<script>alert(1)</script>">x</a>', /data:|script/],
    ['style', '<style>body{display:none}</style><b style="color:red">x</b>', /style|display/],
    ['iframe', '<iframe src="https://evil.example"></iframe>x', /iframe|evil/],
    ['SVG', '<svg onload="alert(1)"><script>alert(1)</script></svg>x', /svg|alert/],
    ['img onerror', '<img src=x onerror=alert(1)>x', /img|onerror/],
    ['cite with javascript', '<q cite="javascript:alert(1)">x</q>', /javascript/],
    ['attribute breakout', '<a title=\'" onmouseover="alert(1)\'>x</a>', /onmouseover="/],
  ])('removes %s', (_name, input, forbidden) => {
    expect(renderCommentBody(input)).not.toMatch(forbidden);
  });

  it('escapes text that looks like markup but is not', () => {
    expect(renderCommentBody('if a < b && c > d')).toBe('<p>if a &lt; b &amp;&amp; c &gt; d</p>');
  });
});
