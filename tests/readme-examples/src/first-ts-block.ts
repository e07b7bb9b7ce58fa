/**
 * The body of the first fenced TypeScript block (```ts or ```typescript) of a Markdown text, or
 * `undefined` when it has none. Blocks in other languages before it are skipped.
 *
 * @example
 * firstTypeScriptBlock('```sh\nls\n```\n```ts\nconst a = 1;\n```'); // 'const a = 1;\n'
 */
export function firstTypeScriptBlock(markdown: string): string | undefined {
  const fence = /^(`{3,}|~{3,})[ \t]*([^\s`]*)[^\n]*\n([\s\S]*?)^\1[ \t]*$/gm;
  for (const m of markdown.matchAll(fence)) {
    const lang = m[2]!.toLowerCase();
    if (lang === 'ts' || lang === 'typescript') return m[3]!;
  }
  return undefined;
}
