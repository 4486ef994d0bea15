/**
 * Path patterns for policy rules: `**` matches across directories, `*` and `?`
 * within one path component. A pattern without a `/` matches the last
 * component (the file name) anywhere, e.g. `*.so`.
 */
export type PathMatcher = (path: string) => boolean;

function escape(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

export function compilePathPattern(pattern: string): PathMatcher {
  if (pattern.length === 0) throw new RangeError('empty path pattern');
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*' && pattern[i + 1] === '*') {
      // "/**/" also matches a single "/" so /bin/**/x matches /bin/x.
      if (pattern[i + 2] === '/') { re += '(?:.*/)?'; i += 2; } else { re += '.*'; i += 1; }
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += escape(ch);
  }
  const rx = new RegExp(`^${re}$`);
  if (!pattern.includes('/')) return (p) => rx.test(p.slice(p.lastIndexOf('/') + 1));
  return (p) => rx.test(p);
}
