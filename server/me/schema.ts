import { z } from 'zod';

export const ChangePasswordInput = z
  .object({
    currentPassword: z.string().min(1, 'Enter your current password').max(1024),
    newPassword: z.string().min(12, 'Use at least 12 characters').max(1024),
  })
  .refine((v) => v.currentPassword !== v.newPassword, { path: ['newPassword'], message: 'Choose a password different from the current one' });
