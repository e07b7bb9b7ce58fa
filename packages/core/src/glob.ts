import { ConfigError } from './errors';

/**
 * Compiles a parameter-name pattern to a RegExp. `*` matches within one path segment,
 * `**` across segments, `?` one character; a pattern wrapped in slashes (`/conv\d+/`) is a
 * regular expression. Names look like `conv2d_1/kernel`.
 * @example namePattern('conv*').test('conv2d_1/kernel') // false: '*' stops at '/'
 * @example namePattern('conv*\/**').test('conv2d_1/kernel') // true
 */
export function namePattern(pattern: string): RegExp {
  if (typeof pattern !== 'string' || pattern.length === 0) {
    throw new ConfigError('a name pattern must be a non-empty string', {
      argument: 'pattern',
      expected: "a glob such as 'conv*/kernel' or a /regex/",
      received: pattern,
    });
  }
  if (pattern.length > 2 && pattern.startsWith('/') && pattern.endsWith('/')) {
    try {
      return new RegExp(pattern.slice(1, -1));
    } catch (cause) {
      throw new ConfigError('invalid regular expression', {
        argument: 'pattern',
        received: pattern,
        cause,
      });
    }
  }
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Does `name` match `pattern`? A glob matches the whole name, or the name's prefix up to a
 * `/` (so `'conv1'` matches `conv1/kernel` and `conv1/bias`, like a layer name).
 */
export function matchesName(pattern: string | RegExp, name: string): boolean {
  const re = typeof pattern === 'string' ? namePattern(pattern) : pattern;
  if (re.test(name)) return true;
  if (typeof pattern === 'string' && !pattern.startsWith('/')) {
    const parts = name.split('/');
    for (let k = parts.length - 1; k >= 1; k--)
      if (re.test(parts.slice(0, k).join('/'))) return true;
  }
  return false;
}
