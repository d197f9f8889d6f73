import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Providers } from '@/components/providers/trpc';
import './globals.css';

// Every page renders per request: the CSP nonce (proxy.ts) is new each time.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'A-Cube Admin', description: 'Back office of the A-Cube platform' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
