// Imported by page-entry.ts, so that the bundle test sees a second module bundled in.
export const marker = 'bundled from page-dep.ts';
