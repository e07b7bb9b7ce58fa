import { describe, expect, it } from 'vitest';
import { firstTypeScriptBlock } from './first-ts-block';

describe('firstTypeScriptBlock', () => {
  it('returns the body of the first ts block, skipping blocks in other languages', () => {
    const md = [
      '# pkg',
      '```sh',
      'npm i pkg',
      '```',
      'text',
      '```ts',
      "import { a } from 'pkg';",
      'console.log(a);',
      '```',
      '```ts',
      'second();',
      '```',
    ].join('\n');
    expect(firstTypeScriptBlock(md)).toBe("import { a } from 'pkg';\nconsole.log(a);\n");
  });

  it('accepts ```typescript and a longer fence holding ``` inside', () => {
    expect(firstTypeScriptBlock('````typescript\nconst s = "```";\n````\n')).toBe(
      'const s = "```";\n',
    );
  });

  it('does not take a ```tsx or ```json block for TypeScript', () => {
    expect(firstTypeScriptBlock('```tsx\n<a/>\n```\n```json\n{}\n```\n')).toBeUndefined();
  });

  it('returns undefined when there is no TypeScript block', () => {
    expect(firstTypeScriptBlock('# title\n```sh\nls\n```\n')).toBeUndefined();
    expect(firstTypeScriptBlock('')).toBeUndefined();
  });
});
