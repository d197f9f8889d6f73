import { z } from 'zod';

export const WidgetInput = z.object({ key: z.string().regex(/^[A-Za-z]{1,40}$/, 'A widget key is letters only') });
