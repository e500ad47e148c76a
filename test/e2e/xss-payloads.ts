/**
 * Script-injection payloads in the classes of the OWASP XSS Filter Evasion Cheat Sheet.
 * Each one, if it ran, would set `window.__xss` (or open a dialog), so a browser
 * loading a page that shows them can tell whether any executed.
 */
const RUN = 'window.__xss=1';
const RUN_ESCAPED = 'window.__xss\\x3d1';

const scriptTags = [
  `<script>${RUN}</script>`,
  `<SCRIPT>${RUN}</SCRIPT>`,
  `<ScRiPt>${RUN}</sCrIpT>`,
  `<script src=data:text/javascript,${RUN}></script>`,
  `<script/xss>${RUN}</script>`,
  `<<script>${RUN};//<</script>`,
  `<script\x20type="text/javascript">${RUN}</script>`,
  `<script\x0d>${RUN}</script>`,
  `<scr<script>ipt>${RUN}</scr</script>ipt>`,
  `</script><script>${RUN}</script>`,
  `<script>eval('${RUN_ESCAPED}')</script>`,
  `<script>setTimeout("${RUN}")</script>`,
  `&lt;script&gt;${RUN}&lt;/script&gt;`,
  `%3Cscript%3E${RUN}%3C/script%3E`,
  `\\u003cscript\\u003e${RUN}\\u003c/script\\u003e`,
];

const eventHandlers = [
  `<img src=x onerror="${RUN}">`,
  `<IMG SRC=x ONERROR=${RUN}>`,
  `<img src=x onerror=${RUN}//`,
  `<body onload=${RUN}>`,
  `<svg onload=${RUN}>`,
  `<svg/onload=${RUN}>`,
  `<input autofocus onfocus=${RUN}>`,
  `<select autofocus onfocus=${RUN}>`,
  `<textarea autofocus onfocus=${RUN}></textarea>`,
  `<details open ontoggle=${RUN}>`,
  `<video><source onerror=${RUN}></video>`,
  `<audio src=x onerror=${RUN}>`,
  `<marquee onstart=${RUN}>x</marquee>`,
  `<div onmouseover=${RUN}>hover</div>`,
  `<b onclick=${RUN}>bold</b>`,
  `<a href="https://example.org" onmouseover=${RUN}>link</a>`,
  `<em onfocus=${RUN} tabindex=1 autofocus>em</em>`,
  `<blockquote onanimationstart=${RUN} style="animation:x">q</blockquote>`,
  `<iframe onload=${RUN}></iframe>`,
  `<object data=x onerror=${RUN}></object>`,
  `<img src=x:alert(1) onerror=eval(src)>`,
  `<img src="x" onerror="&#119;indow.__xss=1">`,
  `<img src=x oNeRrOr=${RUN}>`,
  `<img src=x onerror\x0b=${RUN}>`,
  `<form><button formaction=javascript:${RUN}>go</button></form>`,
];

const urls = [
  `<a href="javascript:${RUN}">js</a>`,
  `<a href="JaVaScRiPt:${RUN}">js case</a>`,
  `<a href=" javascript:${RUN}">leading space</a>`,
  `<a href="jav&#x09;ascript:${RUN}">tab entity</a>`,
  `<a href="jav&#x0A;ascript:${RUN}">newline entity</a>`,
  `<a href="jav&#x0D;ascript:${RUN}">cr entity</a>`,
  `<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;${RUN}">decimal entities</a>`,
  `<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;${RUN}">hex entities</a>`,
  `<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058${RUN}">padded</a>`,
  `<a href="javascript&colon;${RUN}">named colon</a>`,
  `<a href="data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==">data</a>`,
  `<a href="data:text/html,<script>${RUN}</script>">data html</a>`,
  `<a href="vbscript:msgbox(1)">vbs</a>`,
  `<a href="VBScript:msgbox(1)">vbs case</a>`,
  `<a href="\x01javascript:${RUN}">control char</a>`,
  `<a href="java\0script:${RUN}">nul</a>`,
  `<a href="//evil.example/x">protocol relative</a>`,
  `<a href="javascript://%0A${RUN}">comment newline</a>`,
  `<q cite="javascript:${RUN}">q</q>`,
  `<blockquote cite="javascript:${RUN}">bq</blockquote>`,
  `<a href="https://example.org" title="javascript:${RUN}">safe href</a>`,
  `<iframe src="javascript:${RUN}"></iframe>`,
  `<embed src="javascript:${RUN}">`,
  `<meta http-equiv="refresh" content="0;url=javascript:${RUN}">`,
  `<base href="javascript:${RUN}//">`,
];

const svgAndMath = [
  `<svg><script>${RUN}</script></svg>`,
  `<svg><animate onbegin=${RUN} attributeName=x dur=1s>`,
  `<svg><a xlink:href="javascript:${RUN}"><text x=20 y=20>svg link</text></a></svg>`,
  `<svg><foreignObject><img src=x onerror=${RUN}></foreignObject></svg>`,
  `<svg><style><img src=x onerror=${RUN}></style></svg>`,
  `<svg><set attributeName=onload to=${RUN}>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=${RUN}>`,
  `<math href="javascript:${RUN}">math</math>`,
  `<math><maction actiontype="statusline" xlink:href="javascript:${RUN}">m</maction></math>`,
  `<svg><use href="data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><image href='x' onerror='${RUN}'/></svg>#x"/></svg>`,
];

const brokenAndNested = [
  `<img """><script>${RUN}</script>">`,
  `<b <script>${RUN}</script>>b</b>`,
  `<a href="https://example.org"<script>${RUN}</script>>x</a>`,
  `<<b>script>${RUN}<</b>/script>`,
  `<!--<img src="--><img src=x onerror=${RUN}//">`,
  `<![CDATA[<script>${RUN}</script>]]>`,
  `<noscript><p title="</noscript><img src=x onerror=${RUN}>">`,
  `<style><img src=x onerror=${RUN}></style>`,
  `<title><img src=x onerror=${RUN}></title>`,
  `<textarea></textarea><img src=x onerror=${RUN}>`,
  `<b>unclosed <em>nesting <strong>deep`,
  `</li></ol><img src=x onerror=${RUN}>`,
  `<template><img src=x onerror=${RUN}></template>`,
  `<xmp><img src=x onerror=${RUN}></xmp>`,
  `<listing><img src=x onerror=${RUN}></listing>`,
  `<table><td background="javascript:${RUN}">`,
  `<div style="background:url(javascript:${RUN})">style</div>`,
  `<link rel=stylesheet href="javascript:${RUN}">`,
  `<isindex action=javascript:${RUN} type=image>`,
  `<form action="javascript:${RUN}"><input type=submit></form>`,
];

const attributeBreakouts = [
  `<a href="https://example.org" title='"><img src=x onerror=${RUN}>'>t</a>`,
  `<a title="x" onmouseover="${RUN}" href="https://example.org">t2</a>`,
  `<abbr title='" onmouseover="${RUN}'>abbr</abbr>`,
  `<acronym title="\`onmouseover=${RUN}">acr</acronym>`,
  `<q cite='"><script>${RUN}</script>'>q2</q>`,
  `<blockquote cite="https://x.example/&quot;onmouseover=&quot;${RUN}">bq2</blockquote>`,
  `<del datetime='"><img src=x onerror=${RUN}>'>del</del>`,
  `<a href="https://example.org/&quot;&gt;&lt;script&gt;${RUN}&lt;/script&gt;">encoded</a>`,
  `"><script>${RUN}</script>`,
  `'><img src=x onerror=${RUN}>`,
  `" autofocus onfocus="${RUN}`,
  `</textarea><script>${RUN}</script>`,
];

const templateSyntax = [
  `{{constructor.constructor('${RUN}')()}}`,
  `{{{'<script>${RUN}</script>'}}}`,
  `{{> comment}}`,
  `{{#each this}}{{this}}{{/each}}`,
  `\${${RUN}}`,
  `<%= ${RUN} %>`,
  `{{7*7}} [[7*7]] #{7*7}`,
];

const unicodeTricks = [
  `<scr\u0131pt>${RUN}</scr\u0131pt>`,
  `\uFF1Cscript\uFF1E${RUN}\uFF1C/script\uFF1E`,
  `<img src=x onerror=\u0077indow.__xss=1>`,
  `<a href="java\u200bscript:${RUN}">zero width</a>`,
  `<a href="\u202ejavascript:${RUN}">bidi</a>`,
  `\u202e<script>${RUN}</script>`,
  `<a href="javascript\u003a${RUN}">escaped colon</a>`,
  `\u003cimg src=x onerror=${RUN}\u003e`,
];

/** Markup that must survive, rendered as markup. */
export const allowedMarkup =
  '<a href="https://example.org/ok" title="fine">ok link</a> <abbr title="International Code">ICoC</abbr> <b>b</b> <blockquote cite="https://example.org">quoted</blockquote> <cite>cite</cite> <code>code()</code> <del datetime="2011-09-19">del</del> <em>em</em> <i>i</i> <q cite="https://example.org">q</q> <strike>s</strike> <strong>strong</strong>';

export const xssPayloads: string[] = [
  ...scriptTags,
  ...eventHandlers,
  ...urls,
  ...svgAndMath,
  ...brokenAndNested,
  ...attributeBreakouts,
  ...templateSyntax,
  ...unicodeTricks,
];
