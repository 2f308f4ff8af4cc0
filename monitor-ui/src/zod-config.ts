import { z } from 'zod';

/**
 * zod without its eval-based fast path: the console's Content-Security-Policy (`script-src 'self'`, issue
 * 13 hole 8) forbids eval, and zod's probe for it would be reported as a policy violation on every load.
 * Imported first by `main.tsx`, before any schema is built.
 */
z.config({ jitless: true });
