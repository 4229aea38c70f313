/** This module's own URL, as a module bundled with others still sees it. */
export const where = (): string => import.meta.url;
