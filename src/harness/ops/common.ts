import { z } from 'zod';

/** Argument pieces shared by ops. */
export const name = z.string().min(1).regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'a name: letters, digits, _ . -');
export const byte = z.number().int().min(0).max(255);
export const at = name.describe('a mapping of this process');
export const off = z.number().int().min(0).default(0).describe('byte offset into the mapping');
export const len = z.number().int().min(1).optional().describe('bytes (default: to the end of the mapping)');
export const gup = z
  .enum(['get', 'pin'])
  .optional()
  .describe("FOLL_GET (get_user_pages) or FOLL_PIN (pin_user_pages); default: the kernel's own O_DIRECT (FOLL_GET before 6.5, FOLL_PIN from 6.5, a7e689dd1c06)");

export function hexByte(v: number): string {
  return `0x${v.toString(16).padStart(2, '0').toUpperCase()}`;
}
