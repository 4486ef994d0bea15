/**
 * Reads the mount's measurement log back for the demo's output: JSON lines
 * become `verdict (decision): reason`, ima-sig ascii lines are shown as they
 * are, shortened so a signature does not fill the screen.
 */
export function explainLog(text: string, path: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || !mentions(line, path)) continue;
    if (line.startsWith('{')) {
      try {
        const j = JSON.parse(line) as Record<string, unknown>;
        const verdict = String(j.verdict ?? j.code ?? '?');
        const decision = j.allowed === undefined ? (j.decision ?? '') : j.allowed ? 'allowed' : 'denied';
        out.push(`${verdict}${decision ? ` (${String(decision)})` : ''}: ${String(j.reason ?? '')}`);
        continue;
      } catch {
        // Not JSON after all: show it raw.
      }
    }
    out.push(shortenAscii(line));
  }
  return out;
}

function mentions(line: string, path: string): boolean {
  const p = path.replace(/^\/+/, '');
  return line.includes(`/${p}"`) || line.includes(`/${p} `) || line.endsWith(`/${p}`) || line.includes(`"${p}"`);
}

/** `10 <template hash> ima-sig <algo>:<digest> <path> [<sig hex>]` with the long hex fields cut short. */
function shortenAscii(line: string): string {
  const f = line.split(' ');
  if (f.length < 5 || f[2] !== 'ima-sig') return line.length > 140 ? `${line.slice(0, 137)}...` : line;
  const cut = (h: string, n: number): string => (h.length > n ? `${h.slice(0, n)}...` : h);
  const [algo, digest = ''] = f[3].split(':');
  const sig = f.slice(5).join(' ');
  return `${f[0]} ${cut(f[1], 8)} ima-sig ${algo}:${cut(digest, 12)} ${f[4]}${sig ? ` ${cut(sig, 16)}` : ''}`;
}
