import type { Finding } from '@trainkit/monitors';

/** The diagnosis as printed lines: one per finding with its advice, or an all-clear. */
export function formatFindings(findings: Finding[]): string {
  if (findings.length === 0) return 'diagnosis: nothing unusual in the curves';
  return findings
    .map((f) => `diagnosis [${f.severity}] ${f.message}\n  advice: ${f.advice}`)
    .join('\n');
}
